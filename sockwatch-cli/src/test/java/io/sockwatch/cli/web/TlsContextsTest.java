package io.sockwatch.cli.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.cli.web.WebConfig.ClientAuth;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM certificates and keys in the shapes openssl writes (fixtures made by openssl, see the
 * resources' README), loaded into a JDK TLS context; a key that is not the certificate's, an
 * encrypted key or a file that is not PEM is a one-line error naming the file.
 */
class TlsContextsTest {

  @TempDir Path tmp;

  private static Path fixture(String name) {
    try {
      return Path.of(TlsContextsTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static WebConfig.Tls tls(String cert, String key) {
    return tls(fixture(cert), fixture(key));
  }

  private static WebConfig.Tls tls(Path cert, Path key) {
    return new WebConfig.Tls(
        cert, key, ClientAuth.NO_CLIENT_CERT, Optional.empty(), List.of("TLSv1.2", "TLSv1.3"));
  }

  @Test
  void everyKeyShapeOpensslWritesLoads() {
    for (String[] pair :
        new String[][] {
          {"rsa.crt", "rsa-pkcs8.key"},
          {"rsa.crt", "rsa-pkcs1.key"},
          {"ec.crt", "ec-sec1.key"},
          {"ec.crt", "ec-pkcs8.key"},
          {"ed25519.crt", "ed25519.key"},
        }) {
      TlsContexts.Server s = TlsContexts.load(tls(pair[0], pair[1]));
      assertThat(s.parameters().getProtocols()).as(pair[1]).containsExactly("TLSv1.2", "TLSv1.3");
      assertThat(s.parameters().getNeedClientAuth()).isFalse();
    }
  }

  @Test
  void traditionalKeysAreTheSameKeysAsTheirPkcs8Form() throws IOException {
    PrivateKey pkcs1 = PemReader.privateKey(Files.readString(fixture("rsa-pkcs1.key")));
    PrivateKey pkcs8 = PemReader.privateKey(Files.readString(fixture("rsa-pkcs8.key")));
    assertThat(pkcs1.getEncoded()).isEqualTo(pkcs8.getEncoded());
    PrivateKey sec1 = PemReader.privateKey(Files.readString(fixture("ec-sec1.key")));
    PrivateKey ec8 = PemReader.privateKey(Files.readString(fixture("ec-pkcs8.key")));
    assertThat(sec1.getAlgorithm()).isEqualTo("EC");
    assertThat(((java.security.interfaces.ECPrivateKey) sec1).getS())
        .isEqualTo(((java.security.interfaces.ECPrivateKey) ec8).getS());
  }

  @Test
  void clientCertificatesAreVerifiedAgainstTheGivenCa() {
    TlsContexts.Server s =
        TlsContexts.load(
            new WebConfig.Tls(
                fixture("rsa.crt"),
                fixture("rsa-pkcs8.key"),
                ClientAuth.REQUIRE_AND_VERIFY_CLIENT_CERT,
                Optional.of(fixture("ec.crt")),
                List.of("TLSv1.3")));
    assertThat(s.parameters().getNeedClientAuth()).isTrue();
    assertThat(s.parameters().getProtocols()).containsExactly("TLSv1.3");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    for (String[] pair :
        new String[][] {
          {"rsa.crt", "other-rsa.key"}, {"rsa.crt", "ec-sec1.key"}, {"ec.crt", "ed25519.key"}
        }) {
      assertThatThrownBy(() -> TlsContexts.load(tls(pair[0], pair[1])))
          .isInstanceOf(WebConfigException.class)
          .hasMessageContaining("does not belong to the certificate in")
          .hasMessageContaining(pair[0]);
    }
  }

  @Test
  void badFilesAreOneLineErrorsNamingThem() throws IOException {
    Path garbage = Files.writeString(tmp.resolve("garbage.pem"), "hello\n");
    Path broken =
        Files.writeString(
            tmp.resolve("broken.pem"),
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    Path badBase64 =
        Files.writeString(
            tmp.resolve("b64.pem"), "-----BEGIN PRIVATE KEY-----\nA\n-----END PRIVATE KEY-----\n");
    Path notAKey =
        Files.writeString(
            tmp.resolve("notakey.pem"),
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    Path twoKeys =
        Files.writeString(
            tmp.resolve("two.key"),
            Files.readString(fixture("rsa-pkcs8.key")) + Files.readString(fixture("ec-pkcs8.key")));
    Object[][] cases = {
      {tls(tmp.resolve("absent.crt"), fixture("rsa-pkcs8.key")), "cert_file", "no such file"},
      {tls(fixture("rsa.crt"), tmp.resolve("absent.key")), "key_file", "no such file"},
      {tls(tmp, fixture("rsa-pkcs8.key")), "cert_file", "cannot read it"},
      {tls(garbage, fixture("rsa-pkcs8.key")), "cert_file", "no PEM CERTIFICATE block"},
      {tls(broken, fixture("rsa-pkcs8.key")), "cert_file", "not an X.509 certificate"},
      {tls(fixture("rsa.crt"), garbage), "key_file", "no PEM private key block"},
      {tls(fixture("rsa.crt"), badBase64), "key_file", "not valid base64"},
      {tls(fixture("rsa.crt"), notAKey), "key_file", "not a readable RSA, EC"},
      {tls(fixture("rsa.crt"), fixture("encrypted.key")), "key_file", "is encrypted"},
      {tls(fixture("rsa.crt"), twoKeys), "key_file", "more than one private key"},
      {tls(fixture("rsa.crt"), fixture("rsa.crt")), "key_file", "no PEM private key block"},
    };
    for (Object[] c : cases) {
      assertThatThrownBy(() -> TlsContexts.load((WebConfig.Tls) c[0]))
          .as((String) c[2])
          .isInstanceOf(WebConfigException.class)
          .hasMessageStartingWith("tls_server_config." + c[1] + " ")
          .hasMessageContaining((String) c[2])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }
}
