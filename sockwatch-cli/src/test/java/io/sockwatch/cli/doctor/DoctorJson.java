package io.sockwatch.cli.doctor;

import io.sockwatch.testkit.EvidenceContract;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Reads findings of {@code doctor -o json} and of serve's {@code /api/findings}, and holds their
 * evidence to the contract of docs/doctor-json.md: {@link DoctorProcess#json()} and {@link
 * io.sockwatch.cli.testing.ServeProcess#findings()} check every finding they return, so every live
 * test that reads doctor's or serve's JSON also checks that each evidence item has a key matching
 * {@value EvidenceContract#KEY_PATTERN}, listed for its detector in the doc.
 */
public final class DoctorJson {
  private DoctorJson() {}

  /**
   * The value of the finding's evidence with this key, about the finding as a whole; fails when
   * there is none.
   */
  public static double evidence(JsonNode finding, String key) {
    return evidence(finding, key, "");
  }

  /** The value of the finding's evidence with this key about this member; fails when absent. */
  public static double evidence(JsonNode finding, String key, String member) {
    for (JsonNode e : finding.get("evidence")) {
      if (key.equals(text(e, "key")) && member.equals(text(e, "member"))) {
        return e.get("value").asDouble();
      }
    }
    throw new AssertionError(
        "no evidence " + key + (member.isEmpty() ? "" : " of " + member) + " in " + finding);
  }

  /** Whether the finding has evidence with this key, about any member or none. */
  public static boolean hasEvidence(JsonNode finding, String key) {
    for (JsonNode e : finding.get("evidence")) {
      if (key.equals(text(e, "key"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks the evidence of every finding in a doctor report ({@code findings}) or a serve answer
   * ({@code open}, {@code resolved}) against docs/doctor-json.md; returns the document.
   */
  public static JsonNode checked(JsonNode document) {
    for (String list : List.of("findings", "open", "resolved")) {
      JsonNode findings = document.get(list);
      if (findings != null) {
        for (JsonNode f : findings) {
          check(f);
        }
      }
    }
    return document;
  }

  /** Checks one finding's evidence against docs/doctor-json.md. */
  public static void check(JsonNode finding) {
    List<EvidenceContract.Item> items = new ArrayList<>();
    for (JsonNode e : finding.get("evidence")) {
      items.add(
          new EvidenceContract.Item(
              e.has("key") ? e.get("key").asString() : null, text(e, "member"), text(e, "unit")));
    }
    EvidenceContract.check(text(finding, "id"), text(finding, "detector"), items);
  }

  /** A string field, empty when absent. */
  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? "" : v.asString();
  }
}
