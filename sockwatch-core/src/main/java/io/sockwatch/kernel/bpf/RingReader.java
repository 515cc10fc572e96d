package io.sockwatch.kernel.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.sockwatch.kernel.bpf.Sys.SysException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The consumer side of a BPF ring buffer, mapped into this process: a page holding the consumer
 * position (ours to write), then a page holding the producer position and the data pages mapped
 * twice in a row (so a record that wraps reads as one run). Records are an 8-byte header (length
 * with busy and discard bits, page offset) and the data, padded to 8 bytes. The positions are read
 * with acquire and written with release semantics, as the kernel's producer expects.
 */
final class RingReader implements AutoCloseable {

  private static final long PAGE = 4096;
  private static final int BUSY = 1 << 31;
  private static final int DISCARD = 1 << 30;
  private static final int HEADER = 8;
  private static final long PROT_READ = 1;
  private static final long PROT_WRITE = 2;
  private static final long MAP_SHARED = 1;
  private static final VarHandle LONG = JAVA_LONG.varHandle();
  private static final VarHandle INT = JAVA_INT.varHandle();

  private final long size;
  private final long mask;
  private final MemorySegment consumer;
  private final MemorySegment producer;
  private final MemorySegment data;
  private final long consumerAddress;
  private final long producerAddress;

  private RingReader(long size, long consumerAddress, long producerAddress) {
    this.size = size;
    this.mask = size - 1;
    this.consumerAddress = consumerAddress;
    this.producerAddress = producerAddress;
    this.consumer = MemorySegment.ofAddress(consumerAddress).reinterpret(PAGE);
    MemorySegment all = MemorySegment.ofAddress(producerAddress).reinterpret(PAGE + 2 * size);
    this.producer = all.asSlice(0, PAGE);
    this.data = all.asSlice(PAGE);
  }

  /** Maps the ring buffer map {@code fd} of {@code size} bytes (a power of two, page multiple). */
  static RingReader map(int fd, long size) throws SysException {
    long cons =
        Sys.call(
            "mapping ring buffer",
            Sys.NR.mmap(),
            0,
            PAGE,
            PROT_READ | PROT_WRITE,
            MAP_SHARED,
            fd,
            0);
    try {
      long prod =
          Sys.call(
              "mapping ring buffer",
              Sys.NR.mmap(),
              0,
              PAGE + 2 * size,
              PROT_READ,
              MAP_SHARED,
              fd,
              PAGE);
      return new RingReader(size, cons, prod);
    } catch (SysException e) {
      unmap(cons, PAGE);
      throw e;
    }
  }

  /**
   * Hands every committed record to {@code sink} (a view valid only during the call) and frees its
   * space. Stops at a record still being written.
   *
   * @return the records read
   */
  int drain(Consumer<MemorySegment> sink) {
    long cons = (long) LONG.getAcquire(consumer, 0L);
    long prod = (long) LONG.getAcquire(producer, 0L);
    int records = 0;
    while (cons < prod) {
      long at = cons & mask;
      int len = (int) INT.getAcquire(data, at);
      if ((len & BUSY) != 0) {
        break;
      }
      int bytes = len & ~(BUSY | DISCARD);
      if ((len & DISCARD) == 0 && bytes <= size - HEADER) {
        sink.accept(data.asSlice(at + HEADER, bytes));
        records++;
      }
      cons += (bytes + HEADER + 7) & ~7L;
      LONG.setRelease(consumer, 0L, cons);
    }
    return records;
  }

  @Override
  public void close() {
    unmap(producerAddress, PAGE + 2 * size);
    unmap(consumerAddress, PAGE);
  }

  private static void unmap(long address, long length) {
    try {
      Sys.call("unmapping ring buffer", Sys.NR.munmap(), address, length, 0);
    } catch (SysException ignored) {
      // Only a wrong address fails here, and ours come from mmap.
    }
  }
}
