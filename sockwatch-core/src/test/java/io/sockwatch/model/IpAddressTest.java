package io.sockwatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, 127.0.0.1",
    "0.0.0.0, 0.0.0.0",
    "::1, ::1",
    "::, ::",
    "[::1], ::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
    "fe80::1%eth0, fe80::1",
    "::ffff:127.0.0.1, ::ffff:127.0.0.1",
    "1:0:0:2:0:0:0:3, 1:0:0:2::3",
    "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
    "1:0:2:3:4:5:6:7, 1:0:2:3:4:5:6:7"
  })
  void formatsCanonically(String input, String expected) {
    assertThat(IpAddress.parse(input).toString()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "1::2::3",
        "12345::",
        "g::1",
        "1:2:3:4:5:6:7:8:9",
        "a.b.c.d"
      })
  void rejectsNonAddressesWithAMessage(String bad) {
    assertThatThrownBy(() -> IpAddress.parse(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an IP address");
  }

  @Test
  void agreesWithTheJdkOnRandomAddresses() throws Exception {
    long seed = System.nanoTime();
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 5000; i++) {
      byte[] b = new byte[r.nextBoolean() ? 4 : 16];
      for (int j = 0; j < b.length; j++) {
        // Bias towards zero bytes so that runs of zero groups (::) are exercised.
        b[j] = r.nextInt(3) == 0 ? (byte) r.nextInt(256) : 0;
      }
      IpAddress a = IpAddress.ofBytes(b);
      assertThat(a.toBytes()).as("seed %d", seed).isEqualTo(b);
      assertThat(IpAddress.parse(a.toString())).as("seed %d", seed).isEqualTo(a);
      if (!a.isV4Mapped()) {
        InetAddress jdk = InetAddress.getByAddress(b);
        assertThat(InetAddress.getByName(a.toString())).as("seed %d", seed).isEqualTo(jdk);
      }
    }
  }

  @Test
  void knowsLoopbackAndMapped() {
    assertThat(IpAddress.parse("127.5.6.7").isLoopback()).isTrue();
    assertThat(IpAddress.parse("::1").isLoopback()).isTrue();
    assertThat(IpAddress.parse("::ffff:127.0.0.1").isLoopback()).isTrue();
    assertThat(IpAddress.parse("::ffff:10.0.0.1").isV4Mapped()).isTrue();
    assertThat(IpAddress.parse("10.0.0.1").isLoopback()).isFalse();
    assertThat(IpAddress.parse("0.0.0.0").isAny()).isTrue();
  }
}
