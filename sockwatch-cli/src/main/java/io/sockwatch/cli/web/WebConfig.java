package io.sockwatch.cli.web;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a web config file ({@code serve --web-config}, node_exporter's format) asks for: TLS, basic
 * auth, both or neither. Paths are already resolved against the file's directory, as node_exporter
 * does.
 *
 * @param tls the TLS server settings, if the file has {@code tls_server_config}
 * @param users basic-auth users and their bcrypt hashes ({@code basic_auth_users}); none: no auth
 */
public record WebConfig(Optional<Tls> tls, Map<String, String> users) {

  /** No TLS, no auth: what serve does without {@code --web-config}. */
  public static final WebConfig NONE = new WebConfig(Optional.empty(), Map.of());

  public WebConfig {
    users = Map.copyOf(new TreeMap<>(users));
  }

  /** Who must present a client certificate, and whether it is checked. */
  public enum ClientAuth {
    /** No client certificate is asked for (the default). */
    NO_CLIENT_CERT("NoClientCert"),
    /** A client certificate, when given, must chain to {@code client_ca_file}. */
    VERIFY_CLIENT_CERT_IF_GIVEN("VerifyClientCertIfGiven"),
    /** Every client must present a certificate that chains to {@code client_ca_file}. */
    REQUIRE_AND_VERIFY_CLIENT_CERT("RequireAndVerifyClientCert");

    private final String configName;

    ClientAuth(String configName) {
      this.configName = configName;
    }

    /** The name the config file uses (Go's {@code tls.ClientAuthType} names). */
    public String configName() {
      return configName;
    }

    public boolean verifies() {
      return this != NO_CLIENT_CERT;
    }
  }

  /**
   * {@code tls_server_config}.
   *
   * @param certFile the server's certificate chain, PEM
   * @param keyFile its private key, PEM (PKCS#8, PKCS#1 RSA or SEC1 EC; unencrypted)
   * @param clientAuth whether clients must present certificates
   * @param clientCaFile the CA certificates client certificates must chain to, PEM
   * @param protocols the TLS versions to accept, from {@code min_version} to {@code max_version},
   *     as the JDK names them ({@code TLSv1.2}, {@code TLSv1.3})
   */
  public record Tls(
      Path certFile,
      Path keyFile,
      ClientAuth clientAuth,
      Optional<Path> clientCaFile,
      List<String> protocols) {
    public Tls {
      protocols = List.copyOf(protocols);
    }
  }
}
