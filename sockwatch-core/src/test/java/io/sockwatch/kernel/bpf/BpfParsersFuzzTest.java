package io.sockwatch.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sockwatch.kernel.bpf.TracepointFormat.Field;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Fuzzes the two pure readers of kernel data in the tracer with arbitrary bytes: the tracefs format
 * parser may refuse only with {@link IllegalArgumentException} and a one-line message, and the ring
 * record decoder never throws and decodes exactly the records of the right size, kind and address
 * family. Seeds (the real formats of a 6.18 kernel, records built by hand to the {@link
 * EventLayout}) are in {@code BpfParsersFuzzTestInputs/}; a normal build replays them, {@code
 * JAZZER_FUZZ=1} fuzzes.
 */
class BpfParsersFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void format(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    TracepointFormat f;
    try {
      f = TracepointFormat.parse(text);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
      return;
    }
    assertThat(f.name()).isNotEmpty().doesNotContain("\n");
    assertThat(f.id()).isBetween(0L, 999_999_999L);
    assertThat(f.fields()).hasSizeLessThanOrEqualTo(TracepointFormat.MAX_FIELDS);
    for (var e : f.fields().entrySet()) {
      Field field = e.getValue();
      assertThat(field.name()).isEqualTo(e.getKey()).matches("[A-Za-z_][A-Za-z0-9_]*");
      assertThat(field.offset()).isBetween(0, TracepointFormat.MAX_OFFSET);
      assertThat(field.size()).isBetween(1, TracepointFormat.MAX_OFFSET);
      assertThat(f.require(field.name(), field.size())).isEqualTo(field);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void decode(byte[] data) {
    checkDecode(data);
    // The same bytes as a whole record, so that most inputs reach the decoding itself.
    checkDecode(Arrays.copyOf(data, EventLayout.SIZE));
  }

  private static void checkDecode(byte[] data) {
    Optional<TraceEvent> decoded = TraceEvent.decode(MemorySegment.ofArray(data));
    boolean wellFormed =
        data.length == EventLayout.SIZE
            && (data[EventLayout.NEW_STATE] == EventLayout.TCP_FIN_WAIT1
                || data[EventLayout.NEW_STATE] == EventLayout.TCP_CLOSE_WAIT
                || data[EventLayout.NEW_STATE] == EventLayout.TCP_CLOSE)
            && data[EventLayout.FAMILY + 1] == 0
            && (data[EventLayout.FAMILY] == 2 || data[EventLayout.FAMILY] == 10);
    assertThat(decoded.isPresent()).isEqualTo(wellFormed);
    if (decoded.isEmpty()) {
      return;
    }
    TraceEvent e = decoded.get();
    assertThat(e.comm()).hasSizeLessThanOrEqualTo(EventLayout.COMM_LEN).doesNotContain("\0");
    assertThat(e.comm().chars()).noneMatch(c -> c < 0x20 || c == 0x7f);
    assertThat(e.oldState()).isBetween(0, 255);
    assertThat(e.flags()).isBetween(0, 255);
    assertThat(e.localPort()).isBetween(0, 65535);
    assertThat(e.remotePort()).isBetween(0, 65535);
    if (data[EventLayout.FAMILY] == 2) {
      assertThat(e.local().v6()).isFalse();
      assertThat(e.remote().v6()).isFalse();
    }
  }
}
