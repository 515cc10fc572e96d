package io.sockwatch.kernel.bpf;

import io.sockwatch.kernel.bpf.Sys.SysException;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.EndedConnections;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel side of connection tracing: the maps, the two programs attached to their tracepoints,
 * the mapped ring buffer, and a daemon thread that empties the ring every {@link #POLL_MILLIS} ms
 * into a {@link FlowAggregator}, so the ring's size bounds memory rather than the caller's tick.
 * {@link #close} detaches the programs and closes every descriptor; the kernel then frees the
 * programs and maps (their ids disappear after an RCU grace period).
 */
public final class KernelTracer implements AutoCloseable {

  /** Ring buffer bytes: at 104 bytes per event, 40k events between two polls (100 ms). */
  static final int RING_BYTES = 4 << 20;

  /**
   * Connections remembered between open and close. A plain preallocated hash, not an LRU one: LRU
   * keeps its own lists on every update and would drop open connections' openers silently. A
   * connection's entry is deleted when it begins to close or fails, so the table holds only
   * connections opened since tracing began and still open; past this many, new ones are counted as
   * lost and end without a known start.
   */
  static final int START_ENTRIES = 65_536;

  static final int POLL_MILLIS = 100;

  private final List<Integer> fds = new ArrayList<>();
  private final List<Integer> objectFds = new ArrayList<>();
  private final List<Integer> programFds = new ArrayList<>();
  private final FlowAggregator aggregator;
  private final Object lock = new Object();
  private RingReader ring;
  private int countersFd = -1;
  private long lostSeen;
  private long windowStart;
  private Thread poller;
  private volatile boolean closed;
  private final boolean resetsTraced;

  private KernelTracer(FlowAggregator aggregator, boolean resetsTraced) {
    this.aggregator = aggregator;
    this.resetsTraced = resetsTraced;
    this.windowStart = System.nanoTime();
  }

  /**
   * Loads and attaches the programs and starts reading.
   *
   * @throws SourceUnavailableException with the reason in one sentence when tracing cannot run
   *     here: no privilege, no tracepoint, lockdown, an architecture sockwatch does not know
   */
  public static KernelTracer start() throws SourceUnavailableException {
    if (Sys.NR == null) {
      throw new SourceUnavailableException(
          "connection events are not supported on " + System.getProperty("os.arch"));
    }
    Tracefs tracefs;
    TracepointFormat state;
    Optional<TracepointFormat> reset;
    try {
      tracefs = Tracefs.find();
      state =
          tracefs
              .format("sock", "inet_sock_set_state")
              .orElseThrow(
                  () -> new IOException("the kernel has no sock/inet_sock_set_state tracepoint"));
      reset = tracefs.format("tcp", "tcp_receive_reset");
    } catch (IOException e) {
      throw new SourceUnavailableException(e.getMessage(), e);
    }
    ConnectionProgram.StateFields fields;
    try {
      fields = ConnectionProgram.StateFields.of(state);
    } catch (IllegalArgumentException e) {
      throw new SourceUnavailableException(
          "sock/inet_sock_set_state has a layout sockwatch does not know: " + e.getMessage());
    }
    KernelTracer t = new KernelTracer(new FlowAggregator(ProcessLabels.live()), reset.isPresent());
    try {
      int startMap =
          t.object(
              BpfSys.mapCreate(
                  BpfSys.MAP_HASH,
                  8,
                  EventLayout.START_VALUE_SIZE,
                  START_ENTRIES,
                  "sw_conn_start"));
      int ringFd = t.object(BpfSys.mapCreate(BpfSys.MAP_RINGBUF, 0, 0, RING_BYTES, "sw_conn_ring"));
      t.countersFd =
          t.object(BpfSys.mapCreate(BpfSys.MAP_ARRAY, 4, 8, EventLayout.COUNTERS, "sw_conn_lost"));
      int stateProg =
          t.program(
              BpfSys.progLoad(
                  BpfSys.PROG_TRACEPOINT,
                  ConnectionProgram.stateProgram(fields, startMap, ringFd, t.countersFd),
                  "sw_conn_state"));
      t.fds.add(BpfSys.attachTracepoint(state.id(), stateProg, "sock/inet_sock_set_state"));
      if (reset.isPresent()) {
        var skaddr = reset.get().field("skaddr");
        if (skaddr.isPresent() && skaddr.get().size() == 8) {
          int resetProg =
              t.program(
                  BpfSys.progLoad(
                      BpfSys.PROG_TRACEPOINT,
                      ConnectionProgram.resetProgram(skaddr.get(), startMap),
                      "sw_conn_reset"));
          t.fds.add(BpfSys.attachTracepoint(reset.get().id(), resetProg, "tcp/tcp_receive_reset"));
        }
      }
      t.ring = RingReader.map(ringFd, RING_BYTES);
    } catch (SysException e) {
      t.close();
      throw new SourceUnavailableException(reason(e), e);
    }
    t.poller = Thread.ofPlatform().daemon().name("sockwatch-events").start(t::pollLoop);
    return t;
  }

  private static String reason(SysException e) {
    if (Sys.isPermission(e.errno())) {
      String lockdown = lockdown();
      return e.getMessage()
          + (lockdown.isEmpty()
              ? ": needs root, or CAP_BPF with CAP_PERFMON (CAP_SYS_ADMIN on older kernels)"
              : ": the kernel is locked down (" + lockdown + ")");
    }
    return e.getMessage();
  }

  private static String lockdown() {
    try {
      String s = Files.readString(Path.of("/sys/kernel/security/lockdown"));
      int a = s.indexOf('[');
      int b = s.indexOf(']');
      String mode = a >= 0 && b > a ? s.substring(a + 1, b) : "";
      return mode.equals("none") ? "" : mode;
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private int object(int fd) {
    fds.add(fd);
    objectFds.add(fd);
    return fd;
  }

  private int program(int fd) {
    programFds.add(fd);
    return object(fd);
  }

  private void pollLoop() {
    while (!closed) {
      poll();
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void poll() {
    synchronized (lock) {
      if (ring != null && !closed) {
        ring.drain(r -> TraceEvent.decode(r).ifPresent(aggregator::accept));
      }
    }
  }

  /** The connections of the window since the previous call (or since the start). */
  public ConnectionActivity drain() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("tracer closed");
      }
      ring.drain(r -> TraceEvent.decode(r).ifPresent(aggregator::accept));
      long now = System.nanoTime();
      long lost = lostInKernel();
      ConnectionActivity a = aggregator.take((now - windowStart) / 1e9, lost - lostSeen);
      lostSeen = lost;
      windowStart = now;
      return a;
    }
  }

  /** The connections that ended since the previous call, and how many did not fit the cap. */
  public EndedConnections drainEnded() {
    synchronized (lock) {
      ring.drain(r -> TraceEvent.decode(r).ifPresent(aggregator::accept));
      return aggregator.takeEnded();
    }
  }

  /** Whether resets are traced, so refused connects are told apart from other failures. */
  public boolean resetsTraced() {
    return resetsTraced;
  }

  /** Events the kernel could not hand over since the start (ring full or start map full). */
  public long lostInKernel() {
    if (countersFd < 0) {
      return 0;
    }
    long sum = 0;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(4);
      MemorySegment value = arena.allocate(8);
      for (int slot = 0; slot < EventLayout.COUNTERS; slot++) {
        key.set(ValueLayout.JAVA_INT, 0, slot);
        if (BpfSys.mapLookup(countersFd, key, value)) {
          sum += value.get(ValueLayout.JAVA_LONG, 0);
        }
      }
    } catch (SysException e) {
      return 0;
    }
    return sum;
  }

  /** Kernel memory charged to the tracer's maps and programs, from their fdinfo. */
  public long memoryBytes() {
    long sum = 0;
    for (int fd : objectFds) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
          if (line.startsWith("memlock:")) {
            sum += Long.parseLong(line.substring(8).strip());
          }
        }
      } catch (IOException | RuntimeException e) {
        // Not readable: counted as nothing rather than guessed.
      }
    }
    return sum;
  }

  /** The kernel-wide ids of the tracer's programs, to check they are gone after close. */
  public List<Integer> programIds() {
    return ids(programFds);
  }

  /** The kernel-wide ids of the tracer's maps, likewise. */
  public List<Integer> mapIds() {
    return ids(objectFds.stream().filter(fd -> !programFds.contains(fd)).toList());
  }

  private static List<Integer> ids(List<Integer> fds) {
    List<Integer> ids = new ArrayList<>();
    for (int fd : fds) {
      try {
        ids.add(BpfSys.objectId(fd));
      } catch (SysException e) {
        // Closed already.
      }
    }
    return ids;
  }

  /** Whether a program (or map) with this id still exists anywhere in the kernel. */
  public static boolean exists(int id, boolean program) {
    try {
      return BpfSys.exists(id, program);
    } catch (SysException e) {
      return true;
    }
  }

  @Override
  public void close() {
    closed = true;
    if (poller != null) {
      poller.interrupt();
      try {
        poller.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (lock) {
      if (ring != null) {
        ring.close();
        ring = null;
      }
      // Perf events first (detaching the programs), then programs, then maps.
      for (int i = fds.size() - 1; i >= 0; i--) {
        Sys.close(fds.get(i));
      }
      fds.clear();
    }
  }
}
