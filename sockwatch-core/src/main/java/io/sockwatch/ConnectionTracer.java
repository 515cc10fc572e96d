package io.sockwatch;

import io.sockwatch.kernel.bpf.KernelTracer;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionEvent;
import java.util.List;

/**
 * Every TCP connection of the node as it opens and ends, from the kernel's own events: an eBPF
 * program on the {@code sock/inet_sock_set_state} tracepoint that sockwatch assembles, verifies and
 * attaches itself (no compiler or BPF library on the node). The connecting process is recorded in
 * its own context, so a connection that opened and closed between two scans still has its owner.
 *
 * <p>{@link NodeReader} runs one when its settings ask for connection events; this class is for
 * {@code snapshot --events} and benchmarks, which want the events themselves. Needs root (or
 * CAP_BPF with CAP_PERFMON). Close it to detach the programs and free their maps.
 */
public final class ConnectionTracer implements AutoCloseable {

  private final KernelTracer tracer;
  private long endedDropped;

  private ConnectionTracer(KernelTracer tracer) {
    this.tracer = tracer;
  }

  /**
   * Loads and attaches the programs.
   *
   * @throws SourceUnavailableException with the reason when tracing cannot run here
   */
  public static ConnectionTracer start() throws SourceUnavailableException {
    try {
      return new ConnectionTracer(KernelTracer.start());
    } catch (LinkageError e) {
      throw new SourceUnavailableException(
          "native access is denied to this JVM (--enable-native-access)", e);
    }
  }

  /** The connections per process, destination and listener since the previous drain. */
  public ConnectionActivity drain() {
    return tracer.drain();
  }

  /** The connections that ended since the previous call, oldest first (at most 10,000). */
  public List<ConnectionEvent> drainEvents() {
    var ended = tracer.drainEnded();
    endedDropped += ended.dropped();
    return ended.connections();
  }

  /** Kernel memory charged to the tracer's maps and programs, in bytes. */
  public long mapMemoryBytes() {
    return tracer.memoryBytes();
  }

  /** Events lost since the start: the kernel's ring or table was full, or the ended list was. */
  public long eventsLost() {
    return tracer.lostInKernel() + endedDropped;
  }

  /** Whether refused connects are told apart (the kernel has {@code tcp/tcp_receive_reset}). */
  public boolean resetsTraced() {
    return tracer.resetsTraced();
  }

  @Override
  public void close() {
    tracer.close();
  }
}
