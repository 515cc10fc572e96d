package io.sockwatch.model.probe;

import java.util.List;

/** Progress of an idle-timeout probe, called on the caller's thread as things happen. */
public interface ProbeListener {

  /** No progress wanted (JSON output prints the report at the end). */
  ProbeListener SILENT = new ProbeListener() {};

  /** The path works: a handshake and a first echo took these long. */
  default void ready(double handshakeMillis, double firstEchoMillis) {}

  /** Tries of these idle lengths start, {@code atSeconds} into the run. */
  default void started(List<Double> idleSeconds, double atSeconds) {}

  /** One try ended; {@code bracket} is what is known so far. */
  default void finished(ProbeReport.Try t, IdleBracket bracket) {}
}
