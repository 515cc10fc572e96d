package io.sockwatch.kernel.bpf;

import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.events.ConnectionActivity;
import java.util.Optional;

/**
 * Connection events as a reader's optional part: the tracer when it runs, else the one reason it
 * does not (turned off, no privilege, no tracepoint), which every scan then lists among its
 * unavailable items while the scan-based checks go on as before.
 */
public final class ConnectionEvents implements AutoCloseable {

  /** The item name under which a missing tracer is reported. */
  public static final String ITEM = "connection events";

  private final KernelTracer tracer;
  private final Unavailable unavailable;

  private ConnectionEvents(KernelTracer tracer, Unavailable unavailable) {
    this.tracer = tracer;
    this.unavailable = unavailable;
  }

  /** Starts tracing; never throws: what failed becomes the reason. */
  public static ConnectionEvents open() {
    try {
      return new ConnectionEvents(KernelTracer.start(), null);
    } catch (SourceUnavailableException e) {
      return new ConnectionEvents(null, new Unavailable(ITEM, e.getMessage()));
    } catch (LinkageError e) {
      return new ConnectionEvents(
          null,
          new Unavailable(ITEM, "native access is denied to this JVM (--enable-native-access)"));
    }
  }

  /** Why there are no events, when there are none. */
  public Optional<Unavailable> unavailable() {
    return Optional.ofNullable(unavailable);
  }

  /** The connections since the previous drain, when tracing. */
  public Optional<ConnectionActivity> drain() {
    return tracer == null ? Optional.empty() : Optional.of(tracer.drain());
  }

  /** The tracer itself, when it runs. */
  public Optional<KernelTracer> tracer() {
    return Optional.ofNullable(tracer);
  }

  @Override
  public void close() {
    if (tracer != null) {
      tracer.close();
    }
  }
}
