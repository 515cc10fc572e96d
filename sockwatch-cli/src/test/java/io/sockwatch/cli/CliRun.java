package io.sockwatch.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs the CLI in-process and captures what it prints, for tests. */
record CliRun(int exitCode, String out, String err) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Parses stdout with a real JSON parser (Jackson), so malformed output fails the test. */
  JsonNode json() {
    return JSON.readTree(out);
  }
}
