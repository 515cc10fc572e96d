package io.sockwatch.bench;

/**
 * One measured round of the events benchmark.
 *
 * @param traced whether the connection tracer was attached
 * @param connects connections the loop opened and closed
 * @param failures connects that failed
 * @param seconds the round's length
 * @param cpu CPU time over the round (this process, whole machine)
 * @param seen connects to the loop's listener that the tracer's drains counted (0 untraced)
 * @param ended connections to the listener that the tracer reported ended (0 untraced)
 * @param mapBytes the tracer's map memory (0 untraced)
 * @param lost events the kernel could not hand over in the round (0 untraced)
 * @param droppedFlows flows lost to the tracer's bounds in the round (0 untraced)
 */
record EventsRound(
    boolean traced,
    long connects,
    long failures,
    double seconds,
    CpuTimes cpu,
    long seen,
    long ended,
    long mapBytes,
    long lost,
    long droppedFlows) {

  double rate() {
    return connects / seconds;
  }

  /** This process's CPU per connection, in ns. */
  double processNanosPerConnect() {
    return (double) cpu.processNanos() / connects;
  }

  /** Share of the loop's connects the tracer counted, in percent. */
  double coverage() {
    return 100.0 * seen / connects;
  }
}
