package io.sockwatch.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.metrics.KubernetesStatuses;
import io.sockwatch.cli.output.JsonWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code kubernetes} object of {@code /api/status}, field by field as docs/serve-api.md says.
 */
class KubernetesStatusJsonTest {

  private static JsonNode json(io.sockwatch.k8s.ReporterStatus k) {
    StringWriter out = new StringWriter();
    JsonWriter w = new JsonWriter(out);
    w.beginObject();
    StatusEndpoints.writeKubernetes(w, k);
    w.endObject();
    return JsonMapper.builder().build().readTree(out.toString()).get("kubernetes");
  }

  @Test
  void aWorkingReporterSaysWhereItWritesWhatAndHowItWent() {
    JsonNode k = json(KubernetesStatuses.working());

    assertThat(k.get("node").asString()).isEqualTo("node-1");
    assertThat(k.get("api_server").asString()).isEqualTo("https://10.0.0.1:6443/");
    assertThat(k.get("config_source").asString()).startsWith("in-cluster service account");
    assertThat(k.get("connected").asBoolean()).isTrue();
    assertThat(k.get("last_success").asString()).isEqualTo("2026-12-07T10:00:30.500Z");
    assertThat(k.get("last_error").asString()).isEqualTo("PATCH node node-1 status: 500 boom");
    assertThat(k.get("consecutive_failures").asInt()).isZero();
    assertThat(k.has("next_attempt")).isFalse();
    assertThat(k.get("requests").propertyNames())
        .containsExactly(
            "ok", "conflict", "server_error", "timeout", "client_error", "network_error");
    assertThat(k.get("requests").get("ok").asLong()).isEqualTo(40);
    assertThat(k.get("retries").asLong()).isEqualTo(3);
    assertThat(k.get("conditions").get("SocketLeak").asString()).isEqualTo("True");
    assertThat(k.get("conditions").propertyNames()).hasSize(4);
    assertThat(k.get("condition_writes").asLong()).isEqualTo(7);
    assertThat(k.get("events").get("created").asLong()).isEqualTo(5);
    assertThat(k.get("events").get("series_updates").asLong()).isEqualTo(2);
    assertThat(k.get("events").get("dropped").asLong()).isEqualTo(1);
    assertThat(k.get("events").get("pending").asLong()).isZero();
    assertThat(k.get("forgotten").asLong()).isZero();
  }

  @Test
  void aReporterBackingOffSaysWhenItTriesNext() {
    JsonNode k = json(KubernetesStatuses.neverConnected());

    assertThat(k.get("connected").asBoolean()).isFalse();
    assertThat(k.has("last_success")).isFalse();
    assertThat(k.get("consecutive_failures").asInt()).isEqualTo(4);
    assertThat(k.get("next_attempt").asString()).isEqualTo("2026-12-07T10:00:28Z");
    assertThat(k.get("conditions").isEmpty()).isTrue();
  }
}
