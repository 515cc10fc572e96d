package io.sockwatch.kernel.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The tracefs format files of a real kernel (6.18), copied into {@code fixtures/}: the layouts the
 * connection program is assembled against.
 */
final class BpfFixtures {

  static final String STATE = "inet_sock_set_state.format";
  static final String RESET = "tcp_receive_reset.format";

  private BpfFixtures() {}

  static String text(String name) {
    try (InputStream in = BpfFixtures.class.getResourceAsStream("fixtures/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TracepointFormat format(String name) {
    return TracepointFormat.parse(text(name));
  }
}
