package io.sockwatch.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.IpAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The ring record decoder on records built by hand to the {@link EventLayout} (the fuzz seeds in
 * {@code BpfParsersFuzzTestInputs/decode/}), field by field.
 */
class TraceEventTest {

  @Test
  void decodesAnIpv4ConnectThatClosedHere() {
    TraceEvent e = decode("ipv4-connect-closed-here").orElseThrow();

    assertThat(e)
        .isEqualTo(
            new TraceEvent(
                5_000_000_000L,
                4_000_000_000L,
                1234,
                4242,
                "curl",
                EventLayout.TCP_ESTABLISHED,
                EventLayout.TCP_FIN_WAIT1,
                EventLayout.FLAG_ACTIVE,
                IpAddress.parse("127.0.0.1"),
                40000,
                IpAddress.parse("127.0.0.2"),
                8080));
    assertThat(e.active()).isTrue();
    assertThat(e.passive()).isFalse();
  }

  @Test
  void decodesAnIpv6Accept() {
    TraceEvent e = decode("ipv6-accept-reset").orElseThrow();

    assertThat(e.passive()).isTrue();
    assertThat(e.active()).isFalse();
    assertThat(e.tgid()).isZero();
    assertThat(e.comm()).isEmpty();
    assertThat(e.oldState()).isEqualTo(EventLayout.TCP_ESTABLISHED);
    assertThat(e.local()).isEqualTo(IpAddress.parse("2001:db8::1"));
    assertThat(e.localPort()).isEqualTo(443);
    assertThat(e.remote()).isEqualTo(IpAddress.parse("2001:db8::2"));
    assertThat(e.remotePort()).isEqualTo(51000);
  }

  @Test
  void showsV4MappedAddressesOfIpv6SocketsAsIpv4() {
    TraceEvent e = decode("ipv6-socket-v4-mapped").orElseThrow();

    assertThat(e.local()).isEqualTo(IpAddress.parse("127.0.0.1"));
    assertThat(e.local().v6()).isFalse();
    assertThat(e.remotePort()).isEqualTo(5432);
    assertThat(e.oldState()).isEqualTo(EventLayout.TCP_ESTABLISHED);
    assertThat(e.newState()).isEqualTo(EventLayout.TCP_CLOSE_WAIT);
  }

  @Test
  void replacesControlCharactersOfTheCommandName() {
    TraceEvent e = decode("refused-connect").orElseThrow();

    assertThat(e.comm()).isEqualTo("prober?[31m");
    assertThat(e.flags()).isEqualTo(EventLayout.FLAG_ACTIVE | EventLayout.FLAG_RESET);
  }

  @Test
  void skipsRecordsOfAnotherKindSizeOrFamily() {
    assertThat(decode("other-kind")).isEmpty();
    assertThat(decode("truncated")).isEmpty();
    byte[] longer = java.util.Arrays.copyOf(bytes("ipv4-connect-closed-here"), 97);
    assertThat(TraceEvent.decode(MemorySegment.ofArray(longer))).isEmpty();
    byte[] unix = bytes("ipv4-connect-closed-here");
    unix[EventLayout.FAMILY] = 1;
    assertThat(TraceEvent.decode(MemorySegment.ofArray(unix))).isEmpty();
    assertThat(TraceEvent.decode(MemorySegment.ofArray(new byte[0]))).isEmpty();
  }

  @Test
  void decodesFromNativeMemoryAtAnOddAddress() {
    byte[] record = bytes("ipv4-connect-closed-here");
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment s = arena.allocate(EventLayout.SIZE + 1).asSlice(1);
      s.copyFrom(MemorySegment.ofArray(record));

      assertThat(TraceEvent.decode(s)).isEqualTo(TraceEvent.decode(MemorySegment.ofArray(record)));
    }
  }

  private static Optional<TraceEvent> decode(String seed) {
    return TraceEvent.decode(MemorySegment.ofArray(bytes(seed)));
  }

  private static byte[] bytes(String seed) {
    String path = "BpfParsersFuzzTestInputs/decode/" + seed;
    try (InputStream in = TraceEventTest.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("no seed " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
