package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointNormalizerTest {

  private static String normalize(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return new EndpointNormalizer().normalize(b, 0, b.length);
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:80, 127.0.0.1:80",
    "0.0.0.0:*, 0.0.0.0:0",
    "255.255.255.255:65535, 255.255.255.255:65535",
    "010.001.0.1:8, 10.1.0.1:8",
    "127.0.0.53%lo:53, 127.0.0.53:53",
    "*:*, [::]:0",
    "*:8080, [::]:8080",
    "*%lo:44831, [::]:44831",
    "[::]:*, [::]:0",
    "[::]%lo:35817, [::]:35817",
    "[::1]:8080, [::1]:8080",
    "[0:0:0:0:0:0:0:1]:1, [::1]:1",
    "[2001:0DB8::1]:1, [2001:db8::1]:1",
    "[2001:db8:0:0:1:0:0:1]:1, [2001:db8::1:0:0:1]:1",
    "[2001:db8:0:1:1:1:1:1]:1, [2001:db8:0:1:1:1:1:1]:1",
    "[1:0:0:2:0:0:0:3]:1, [1:0:0:2::3]:1",
    "[1::]:1, [1::]:1",
    "[::1:2:3:4:5:6:7]:1, [0:1:2:3:4:5:6:7]:1",
    "[::ffff:127.0.0.1]:80, [::ffff:127.0.0.1]:80",
    "[::ffff:7f00:1]:80, [::ffff:127.0.0.1]:80",
    "[::127.0.0.1]:80, [::7f00:1]:80",
    "[fe80::1]%eth0:22, [fe80::1]:22",
    "[fe80::1%eth0]:22, [fe80::1]:22",
  })
  void canonicalForm(String in, String expected) {
    assertThat(normalize(in)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.0.0.1:",
        "127.0.0.1:65536",
        "127.0.0.1:-1",
        "127.0.0:1",
        "127.0.0.1.1:1",
        "256.0.0.1:1",
        "1234.0.0.1:1",
        "a.b.c.d:1",
        "[::1:80",
        "[]:1",
        "[:::]:1",
        "[1::2::3]:1",
        "[1:2:3:4:5:6:7:8:9]:1",
        "[1:2:3:4:5:6:7]:1",
        "[12345::]:1",
        "[::1]x:1",
        "[1:2:3:4:5:6:7:1.2.3.4]:1",
        "[::1.2.3]:1",
        "::1:80",
        "**:1",
      })
  void notAnEndpoint(String in) {
    assertThat(normalize(in)).isNull();
  }
}
