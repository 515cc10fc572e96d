package io.sockwatch.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus Operator's PodMonitor and PrometheusRule (monitoring.coreos.com/v1), typed from
 * the fields its API reference documents, for the strict parse of the manifests: fabric8's core
 * model has no classes for them. Only the fields deploy/ may reasonably use are here; a misspelt or
 * unlisted field fails the parse, and the compact constructors refuse what the CRDs require.
 */
final class OperatorCrds {

  private OperatorCrds() {}

  record PodMonitor(String apiVersion, String kind, ObjectMeta metadata, PodMonitorSpec spec) {
    PodMonitor {
      require(metadata != null && metadata.getName() != null, "PodMonitor needs metadata.name");
      require(spec != null, "PodMonitor needs a spec");
    }
  }

  record PodMonitorSpec(
      LabelSelector selector,
      NamespaceSelector namespaceSelector,
      String jobLabel,
      List<String> podTargetLabels,
      List<PodMetricsEndpoint> podMetricsEndpoints,
      Long sampleLimit) {
    PodMonitorSpec {
      require(selector != null, "PodMonitor spec needs a selector");
      require(
          podMetricsEndpoints != null && !podMetricsEndpoints.isEmpty(),
          "PodMonitor spec needs podMetricsEndpoints");
    }
  }

  record NamespaceSelector(Boolean any, List<String> matchNames) {}

  record PodMetricsEndpoint(
      String port,
      Integer portNumber,
      String path,
      String scheme,
      String interval,
      String scrapeTimeout,
      Boolean honorLabels,
      List<RelabelConfig> relabelings,
      List<RelabelConfig> metricRelabelings) {
    PodMetricsEndpoint {
      require(port != null || portNumber != null, "a podMetricsEndpoint needs port or portNumber");
      require(
          scheme == null || scheme.equals("http") || scheme.equals("https"), "scheme: " + scheme);
    }
  }

  record RelabelConfig(
      List<String> sourceLabels,
      String separator,
      String targetLabel,
      String regex,
      Long modulus,
      String replacement,
      String action) {}

  record PrometheusRule(String apiVersion, String kind, ObjectMeta metadata, RuleFile spec) {
    PrometheusRule {
      require(metadata != null && metadata.getName() != null, "PrometheusRule needs metadata.name");
      require(spec != null, "PrometheusRule needs a spec");
    }
  }

  /** A Prometheus rules file; also PrometheusRule's spec, which is the same shape. */
  record RuleFile(List<RuleGroup> groups) {
    RuleFile {
      require(groups != null, "rules need groups");
    }
  }

  record RuleGroup(
      String name,
      String interval,
      Integer limit,
      @JsonProperty("query_offset") String queryOffset,
      Map<String, String> labels,
      List<Rule> rules) {
    RuleGroup {
      require(name != null && !name.isBlank(), "a rule group needs a name");
      require(rules != null, "rule group " + name + " needs rules");
    }
  }

  record Rule(
      String record,
      String alert,
      String expr,
      @JsonProperty("for") String forDuration,
      @JsonProperty("keep_firing_for") String keepFiringFor,
      Map<String, String> labels,
      Map<String, String> annotations) {
    Rule {
      require(
          (record == null) != (alert == null), "a rule is either a record or an alert: " + expr);
      require(expr != null && !expr.isBlank(), "rule " + alert + record + " needs expr");
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
