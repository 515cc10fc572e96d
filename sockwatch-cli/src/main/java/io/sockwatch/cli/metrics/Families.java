package io.sockwatch.cli.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Collects the metric families of one exposition. A family with no data point is left out, and so
 * is a value that is not known (an empty optional): absent is never written as 0.
 */
final class Families {

  private final List<MetricSnapshot> families = new ArrayList<>();

  /** A gauge family to add labelled points to; {@link Gauge#add()} puts it in. */
  Gauge gauge(String name, String help) {
    return new Gauge(name, help);
  }

  /** One unlabelled gauge. */
  void gauge(String name, String help, double value) {
    gauge(name, help).point(value).add();
  }

  /** One unlabelled gauge, left out when empty. */
  void gauge(String name, String help, OptionalLong value) {
    if (value.isPresent()) {
      gauge(name, help, value.getAsLong());
    }
  }

  /** One unlabelled counter; {@code name} ends in {@code _total}. */
  void counter(String name, String help, double value) {
    families.add(
        CounterSnapshot.builder()
            .name(name)
            .help(help)
            .dataPoint(CounterDataPointSnapshot.builder().value(value).build())
            .build());
  }

  /** One unlabelled counter, left out when empty. */
  void counter(String name, String help, OptionalLong value) {
    if (value.isPresent()) {
      counter(name, help, value.getAsLong());
    }
  }

  /** A counter family with one label: a point per entry of {@code values}, in their order. */
  void counter(String name, String help, String label, java.util.Map<String, Long> values) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    values.forEach(
        (v, n) ->
            b.dataPoint(
                CounterDataPointSnapshot.builder().labels(Labels.of(label, v)).value(n).build()));
    if (!values.isEmpty()) {
      families.add(b.build());
    }
  }

  MetricSnapshots build() {
    return new MetricSnapshots(families);
  }

  /** A gauge family being filled. */
  final class Gauge {
    private final GaugeSnapshot.Builder builder;
    private int points;

    private Gauge(String name, String help) {
      this.builder = GaugeSnapshot.builder().name(name).help(help);
    }

    /** Adds a point; {@code labels} alternate names and values. */
    Gauge point(double value, String... labels) {
      builder.dataPoint(
          GaugeDataPointSnapshot.builder().labels(Labels.of(labels)).value(value).build());
      points++;
      return this;
    }

    /** Adds the family to the exposition, unless it has no point. */
    void add() {
      if (points > 0) {
        families.add(builder.build());
      }
    }
  }
}
