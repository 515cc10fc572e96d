package io.sockwatch.cli.doctor;

import tools.jackson.databind.JsonNode;

/** Reads a finding of {@code doctor -o json}. */
final class DoctorJson {
  private DoctorJson() {}

  /** The value of the finding's evidence with this name; fails when there is none. */
  static double evidence(JsonNode finding, String name) {
    for (JsonNode e : finding.get("evidence")) {
      if (e.get("name").asString().equals(name)) {
        return e.get("value").asDouble();
      }
    }
    throw new AssertionError("no evidence '" + name + "' in " + finding);
  }

  static boolean hasEvidence(JsonNode finding, String name) {
    for (JsonNode e : finding.get("evidence")) {
      if (e.get("name").asString().equals(name)) {
        return true;
      }
    }
    return false;
  }
}
