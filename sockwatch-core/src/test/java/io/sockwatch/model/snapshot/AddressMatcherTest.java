package io.sockwatch.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.model.IpAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressMatcherTest {

  @ParameterizedTest
  @CsvSource({
    "127.0.0.0/8, 127.1.2.3, true",
    "127.0.0.0/8, 128.0.0.1, false",
    "10.1.2.3, 10.1.2.3, true",
    "10.1.2.3, 10.1.2.4, false",
    "0.0.0.0/0, 1.2.3.4, true",
    "10.0.0.0/8, ::ffff:10.9.9.9, true",
    "10.0.0.0/8, ::ffff:11.9.9.9, false",
    "::1, ::1, true",
    "fe80::/10, fe80::1, true",
    "fe80::/10, fec0::1, false",
    "2001:db8::/64, 2001:db8::ffff:1, true",
    "2001:db8::/96, 2001:db8::1:0:1, false",
    "::/0, 10.0.0.1, false",
    "10.0.0.0/8, ::1, false"
  })
  void matchesPrefixes(String network, String address, boolean expected) {
    assertThat(AddressMatcher.parse(network).matches(IpAddress.parse(address))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "host.example"})
  void rejectsBadNetworks(String bad) {
    assertThatThrownBy(() -> AddressMatcher.parse(bad))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
