package io.sockwatch.cli.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.cli.web.WebConfig.ClientAuth;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * node_exporter's web config, read strictly: what it accepts and the one line it says otherwise.
 */
class WebConfigParserTest {

  private static final Path DIR = Path.of("/etc/sockwatch");
  private static final String HASH = "$2y$05$J9IwLE29gM6sRfUECvqOFek3I8Px0/A7CIVFq9XMTWlTuG4zB9MJK";

  private static WebConfig parse(String yaml) {
    return WebConfigParser.parse(yaml, DIR);
  }

  @Test
  void tlsAndUsersAsNodeExporterWritesThem() {
    WebConfig c =
        parse(
            """
            tls_server_config:
              cert_file: tls/node.crt
              key_file: /secrets/node.key
            basic_auth_users:
              prometheus: %s
              "alice": '%s'
            """
                .formatted(HASH, HASH));
    WebConfig.Tls tls = c.tls().orElseThrow();
    assertThat(tls.certFile()).isEqualTo(Path.of("/etc/sockwatch/tls/node.crt"));
    assertThat(tls.keyFile()).isEqualTo(Path.of("/secrets/node.key"));
    assertThat(tls.clientAuth()).isEqualTo(ClientAuth.NO_CLIENT_CERT);
    assertThat(tls.clientCaFile()).isEmpty();
    assertThat(tls.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(c.users()).isEqualTo(Map.of("prometheus", HASH, "alice", HASH));
  }

  @Test
  void clientCertificatesAndVersions() {
    WebConfig c =
        parse(
            """
            tls_server_config:
              cert_file: a.crt
              key_file: a.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ../ca.crt
              min_version: TLS13
            """);
    WebConfig.Tls tls = c.tls().orElseThrow();
    assertThat(tls.clientAuth()).isEqualTo(ClientAuth.REQUIRE_AND_VERIFY_CLIENT_CERT);
    assertThat(tls.clientCaFile()).contains(Path.of("/etc/ca.crt"));
    assertThat(tls.protocols()).containsExactly("TLSv1.3");
    assertThat(c.users()).isEmpty();
  }

  @Test
  void authWithoutTlsAndAnEmptyFile() {
    assertThat(parse("basic_auth_users:\n  u: " + HASH + "\n").tls()).isEqualTo(Optional.empty());
    assertThat(parse("")).isEqualTo(WebConfig.NONE);
    assertThat(parse("# nothing here\n")).isEqualTo(WebConfig.NONE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          not yaml             | 'a: [b'                                                   | not valid YAML (line
          not a mapping        | '- a'                                                     | the file must be a mapping
          unknown key          | 'tls_config: {}'                                          | unknown key 'tls_config' (known: basic_auth_users, tls_server_config)
          typo in tls          | 'tls_server_config: {cert_file: a, key_file: b, certfile: c}' | unknown key 'tls_server_config.certfile'
          unsupported key      | 'http_server_config: {http2: false}'                      | http_server_config is part of node_exporter's web config but not supported by sockwatch
          unsupported tls key  | 'tls_server_config: {cert_file: a, key_file: b, cipher_suites: [x]}' | tls_server_config.cipher_suites is part of node_exporter's
          duplicate key        | 'basic_auth_users: {u: x}\nbasic_auth_users: {v: y}'       | not valid YAML
          empty tls            | 'tls_server_config:'                                      | tls_server_config is empty
          tls not a mapping    | 'tls_server_config: yes'                                  | tls_server_config must be a mapping
          no cert              | 'tls_server_config: {key_file: b}'                        | tls_server_config.cert_file is required
          no key               | 'tls_server_config: {cert_file: a}'                       | tls_server_config.key_file is required
          cert not a string    | 'tls_server_config: {cert_file: [a], key_file: b}'        | tls_server_config.cert_file: must be a string
          empty cert           | 'tls_server_config: {cert_file: "", key_file: b}'         | tls_server_config.cert_file: not a file name
          bad client auth      | 'tls_server_config: {cert_file: a, key_file: b, client_auth_type: Sometimes}' | client_auth_type: unknown 'Sometimes'
          unverified certs     | 'tls_server_config: {cert_file: a, key_file: b, client_auth_type: RequireAnyClientCert}' | does not verify and is not supported
          verify without CA    | 'tls_server_config: {cert_file: a, key_file: b, client_auth_type: VerifyClientCertIfGiven}' | needs client_ca_file
          CA without verify    | 'tls_server_config: {cert_file: a, key_file: b, client_ca_file: c}' | client_auth_type is NoClientCert
          old TLS              | 'tls_server_config: {cert_file: a, key_file: b, min_version: TLS10}' | TLS10 is disabled in the JDK as insecure
          unknown TLS          | 'tls_server_config: {cert_file: a, key_file: b, min_version: SSL3}' | min_version: unknown 'SSL3'
          min above max        | 'tls_server_config: {cert_file: a, key_file: b, min_version: TLS13, max_version: TLS12}' | min_version TLS13 is above max_version TLS12
          empty users          | 'basic_auth_users:'                                       | basic_auth_users is empty
          no users             | 'basic_auth_users: {}'                                    | basic_auth_users is empty
          users a list         | 'basic_auth_users: [u]'                                   | basic_auth_users must be a mapping
          plain password       | 'basic_auth_users: {u: secret}'                           | basic_auth_users.u: not a bcrypt hash
          md5 hash             | 'basic_auth_users: {u: "$apr1$abc$0123456789012345678901"}' | basic_auth_users.u: not a bcrypt hash
          truncated bcrypt     | 'basic_auth_users: {u: "$2y$05$J9IwLE29gM6sRfUECvqOFek3I8Px0"}' | basic_auth_users.u: not a bcrypt hash
          cost too low         | 'basic_auth_users: {u: "$2y$03$J9IwLE29gM6sRfUECvqOFek3I8Px0/A7CIVFq9XMTWlTuG4zB9MJK"}' | bcrypt cost 3 is outside 4-31
          hash a number        | 'basic_auth_users: {u: 5}'                                | basic_auth_users.u: the value must be a bcrypt hash
          colon in user        | 'basic_auth_users: {"a:b": x}'                            | cannot be a user name
          """)
  void badConfigsAreOneLineErrorsNamingTheKey(String what, String yaml, String expected) {
    String text = yaml.replace("\\n", "\n");
    assertThatThrownBy(() -> parse(text))
        .as(what)
        .isInstanceOf(WebConfigException.class)
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aHugeFileIsRefusedUnread() {
    assertThatThrownBy(() -> parse("#" + "x".repeat(WebConfigParser.MAX_BYTES)))
        .isInstanceOf(WebConfigException.class)
        .hasMessageContaining("larger than");
  }

  @Test
  void deepNestingAndAliasBombsAreErrorsNotCrashes() {
    for (String yaml :
        List.of(
            "tls_server_config: " + "[".repeat(5000) + "]".repeat(5000),
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c]")) {
      assertThatThrownBy(() -> parse(yaml)).isInstanceOf(WebConfigException.class);
    }
  }
}
