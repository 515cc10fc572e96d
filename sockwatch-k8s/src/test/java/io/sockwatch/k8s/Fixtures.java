package io.sockwatch.k8s;

import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Headroom;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.watch.HistoryStatus;
import io.sockwatch.model.watch.TrackedFinding;
import io.sockwatch.model.watch.WatchState;
import io.sockwatch.model.watch.WatchStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** Findings, agent states and a clock the tests step by hand. */
final class Fixtures {

  static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  private Fixtures() {}

  /** A finding of {@code detector} about {@code process}, with headroom and a fix. */
  static Finding finding(String detector, String process, Severity severity) {
    return new Finding(
        detector,
        process,
        severity,
        process + " has not closed 200 connections its peers closed (CLOSE_WAIT, oldest 18 s)",
        new Subject(List.of(process), "127.0.0.1", "127.0.0.1:9000", ""),
        List.of(),
        Optional.of(
            new Headroom(
                "file descriptors of " + process,
                208,
                20000,
                "descriptors",
                OptionalDouble.empty())),
        process + " must close() each socket once read() returns end-of-file.");
  }

  static TrackedFinding open(Finding f, Instant firstSeen, Instant lastSeen) {
    return new TrackedFinding(f, firstSeen, lastSeen, Optional.empty());
  }

  static TrackedFinding resolved(Finding f, Instant firstSeen, Instant resolvedAt) {
    return new TrackedFinding(f, firstSeen, resolvedAt, Optional.of(resolvedAt));
  }

  static WatchState state(Instant at, List<TrackedFinding> open, List<TrackedFinding> resolved) {
    return new WatchState(
        at,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        open,
        resolved,
        new WatchStatus(
            T0,
            1,
            1,
            1,
            1,
            0.01,
            0.01,
            0,
            0.5,
            1 << 20,
            256 << 20,
            new HistoryStatus(0, 740, 0, 64 << 20, 0, 0, 0),
            0,
            0,
            0,
            0,
            Optional.empty(),
            List.of(),
            io.sockwatch.model.watch.ConnectionEventsStatus.OFF));
  }

  /** A clock that moves only when told. */
  static final class StepClock extends Clock {
    private volatile Instant now;

    StepClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
