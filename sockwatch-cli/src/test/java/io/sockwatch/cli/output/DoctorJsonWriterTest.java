package io.sockwatch.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.doctor.DoctorJson;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DoctorJsonWriterTest {

  private static final Finding LEAK =
      new Finding(
          "close-wait",
          "java(4242)",
          Severity.WARNING,
          "java(4242) has not closed 3 connections its peers closed",
          new Subject(List.of("java(4242)"), "", "0.0.0.0:8080", ""),
          List.of(
              new Evidence(
                  "close_wait_sockets",
                  "CLOSE_WAIT sockets past the minimum age",
                  3,
                  "sockets",
                  ""),
              new Evidence(
                  "peer_close_wait_sockets",
                  "CLOSE_WAIT sockets with peer 10.0.0.2",
                  2,
                  "sockets",
                  "10.0.0.2"),
              new Evidence(
                  "peer_close_wait_sockets",
                  "CLOSE_WAIT sockets with peer 10.0.0.3",
                  1,
                  "sockets",
                  "10.0.0.3"),
              new Evidence(
                  "oldest_close_wait_seconds", "oldest: time since the peer's FIN", 1.5, "s", "")),
          Optional.empty(),
          "close() them");

  private static final DoctorReport REPORT = new DoctorReport(List.of(LEAK), List.of(), 10, 13);

  @Test
  void everyEvidenceItemCarriesItsKeyBesideNameValueAndUnitAndAMemberWhenItHasOne() {
    StringWriter out = new StringWriter();
    DoctorJsonWriter.write(new JsonWriter(out), REPORT);
    JsonNode finding = JsonMapper.builder().build().readTree(out.toString()).get("findings").get(0);

    JsonNode first = finding.get("evidence").get(0);
    assertThat(first.get("key").asString()).isEqualTo("close_wait_sockets");
    assertThat(first.get("name").asString()).isEqualTo("CLOSE_WAIT sockets past the minimum age");
    assertThat(first.get("value").asDouble()).isEqualTo(3);
    assertThat(first.get("unit").asString()).isEqualTo("sockets");
    assertThat(first.has("member")).as("an item about the whole finding has no member").isFalse();
    JsonNode peer = finding.get("evidence").get(2);
    assertThat(peer.get("key").asString()).isEqualTo("peer_close_wait_sockets");
    assertThat(peer.get("member").asString()).isEqualTo("10.0.0.3");

    DoctorJson.check(finding); // the keys, units and members are those docs/doctor-json.md lists
    assertThat(DoctorJson.evidence(finding, "peer_close_wait_sockets", "10.0.0.2")).isEqualTo(2);
    assertThat(DoctorJson.evidence(finding, "oldest_close_wait_seconds")).isEqualTo(1.5);
  }

  @Test
  void theTextShowsTheLabelsForPeopleNotTheKeys() {
    StringWriter out = new StringWriter();
    new DoctorTextWriter(new PrintWriter(out, true)).write(REPORT);
    assertThat(out.toString())
        .contains(
            "  evidence: CLOSE_WAIT sockets past the minimum age 3 sockets; CLOSE_WAIT sockets with"
                + " peer 10.0.0.2 2 sockets; CLOSE_WAIT sockets with peer 10.0.0.3 1 sockets;"
                + " oldest: time since the peer's FIN 1.50 s")
        .doesNotContain("close_wait_sockets");
  }
}
