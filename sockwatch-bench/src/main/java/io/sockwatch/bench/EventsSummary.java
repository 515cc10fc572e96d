package io.sockwatch.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The events benchmark's verdict from its rounds: medians and ranges of each side and what the
 * tracer costs (pure, so it is tested without a kernel).
 */
final class EventsSummary {
  private final List<EventsRound> off;
  private final List<EventsRound> on;

  EventsSummary(List<EventsRound> rounds) {
    this.off = rounds.stream().filter(r -> !r.traced()).toList();
    this.on = rounds.stream().filter(EventsRound::traced).toList();
    if (off.isEmpty() || on.isEmpty()) {
      throw new IllegalArgumentException("needs rounds with and without the tracer");
    }
  }

  /** Median, min and max of one measure over some rounds. */
  record Spread(double median, double min, double max) {
    static Spread of(List<EventsRound> rounds, ToDoubleFunction<EventsRound> measure) {
      double[] v = rounds.stream().mapToDouble(measure).sorted().toArray();
      int n = v.length;
      double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
      return new Spread(median, v[0], v[n - 1]);
    }

    static Spread ofAll(double... values) {
      double[] v = values.clone();
      Arrays.sort(v);
      int n = v.length;
      return new Spread(n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[0], v[n - 1]);
    }
  }

  Spread rateOff() {
    return Spread.of(off, EventsRound::rate);
  }

  Spread rateOn() {
    return Spread.of(on, EventsRound::rate);
  }

  /** Throughput with the tracer over without it (medians). */
  double ratio() {
    return rateOn().median() / rateOff().median();
  }

  /** Throughput lost to the tracer, percent (negative when the traced rounds were faster). */
  double lossPercent() {
    return 100 * (1 - ratio());
  }

  /** Extra wall time per connection, ns: 1/rate with minus 1/rate without (medians). */
  double wallNanosPerConnect() {
    return 1e9 / rateOn().median() - 1e9 / rateOff().median();
  }

  Spread processCpuOff() {
    return Spread.of(off, EventsRound::processNanosPerConnect);
  }

  Spread processCpuOn() {
    return Spread.of(on, EventsRound::processNanosPerConnect);
  }

  Spread coverage() {
    return Spread.of(on, EventsRound::coverage);
  }

  long lost() {
    return on.stream().mapToLong(EventsRound::lost).sum();
  }

  long droppedFlows() {
    return on.stream().mapToLong(EventsRound::droppedFlows).sum();
  }

  long maxMapBytes() {
    return on.stream().mapToLong(EventsRound::mapBytes).max().orElse(0);
  }

  long failures() {
    return off.stream().mapToLong(EventsRound::failures).sum()
        + on.stream().mapToLong(EventsRound::failures).sum();
  }
}
