package io.sockwatch.cli.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JDK TLS context a web config's {@code tls_server_config} describes: the PEM certificate chain
 * and key in an in-memory key store, the client CAs in a trust store, and the parameters (versions,
 * client authentication) every connection gets. A key that does not belong to the certificate is
 * refused here, at start, with the file names, rather than at each client's failed handshake.
 */
public final class TlsContexts {

  /** Certificate and key files are small; anything larger is not one. */
  private static final long MAX_FILE_BYTES = 1 << 20;

  private static final char[] IN_MEMORY = "sockwatch".toCharArray();

  private TlsContexts() {}

  /** A ready context and the parameters to apply to each connection. */
  public record Server(SSLContext context, SSLParameters parameters) {}

  /**
   * Loads {@code tls}'s files.
   *
   * @throws WebConfigException naming the file and what is wrong with it
   */
  public static Server load(WebConfig.Tls tls) {
    List<X509Certificate> chain = certificates(tls.certFile(), "cert_file");
    PrivateKey key;
    try {
      key = PemReader.privateKey(read(tls.keyFile(), "key_file"));
    } catch (IllegalArgumentException e) {
      throw new WebConfigException(where("key_file", tls.keyFile()) + e.getMessage());
    }
    if (!belongTogether(key, chain.getFirst().getPublicKey())) {
      throw new WebConfigException(
          "tls_server_config: the key in "
              + tls.keyFile()
              + " does not belong to the certificate in "
              + tls.certFile());
    }
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", key, IN_MEMORY, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, IN_MEMORY);
      TrustManager[] trust = null;
      if (tls.clientCaFile().isPresent()) {
        KeyStore cas = KeyStore.getInstance("PKCS12");
        cas.load(null, null);
        int i = 0;
        for (X509Certificate ca : certificates(tls.clientCaFile().get(), "client_ca_file")) {
          cas.setCertificateEntry("ca" + i++, ca);
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(cas);
        trust = tmf.getTrustManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), trust, new SecureRandom());
      SSLParameters parameters = context.getDefaultSSLParameters();
      List<String> supported = List.of(context.getSupportedSSLParameters().getProtocols());
      List<String> protocols = tls.protocols().stream().filter(supported::contains).toList();
      if (protocols.isEmpty()) {
        throw new WebConfigException(
            "tls_server_config: this JDK supports none of " + String.join(", ", tls.protocols()));
      }
      parameters.setProtocols(protocols.toArray(String[]::new));
      switch (tls.clientAuth()) {
        case NO_CLIENT_CERT -> parameters.setNeedClientAuth(false);
        case VERIFY_CLIENT_CERT_IF_GIVEN -> parameters.setWantClientAuth(true);
        case REQUIRE_AND_VERIFY_CLIENT_CERT -> parameters.setNeedClientAuth(true);
      }
      return new Server(context, parameters);
    } catch (GeneralSecurityException | IOException e) {
      throw new WebConfigException(
          "tls_server_config: the JDK refused the key or certificates: " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> certificates(Path file, String key) {
    try {
      return PemReader.certificates(read(file, key));
    } catch (IllegalArgumentException e) {
      throw new WebConfigException(where(key, file) + e.getMessage());
    }
  }

  /**
   * Whether {@code key} is the private half of {@code cert}: RSA by modulus and exponent, every
   * other kind by signing a random challenge and verifying it.
   */
  static boolean belongTogether(PrivateKey key, PublicKey cert) {
    if (key instanceof RSAPrivateCrtKey rsa && cert instanceof RSAPublicKey pub) {
      return rsa.getModulus().equals(pub.getModulus())
          && rsa.getPublicExponent().equals(pub.getPublicExponent());
    }
    Optional<String> algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> Optional.of("SHA256withECDSA");
          case "Ed25519", "Ed448", "EdDSA" -> Optional.of(key.getAlgorithm());
          case "RSA" -> Optional.of("SHA256withRSA");
          default -> Optional.empty();
        };
    if (!key.getAlgorithm().equals(cert.getAlgorithm())) {
      return false;
    }
    if (algorithm.isEmpty()) {
      return true; // no signature to test it with (RSASSA-PSS): the handshake will tell
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature sign = Signature.getInstance(algorithm.get());
      sign.initSign(key);
      sign.update(challenge);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm.get());
      verify.initVerify(cert);
      verify.update(challenge);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String read(Path file, String key) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new WebConfigException(where(key, file) + "larger than 1 MiB; not a PEM file");
      }
      // Latin-1 decodes any bytes: a file that is not PEM then has no PEM block, said as such.
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new WebConfigException(where(key, file) + "no such file");
    } catch (IOException | RuntimeException e) {
      if (e instanceof WebConfigException w) {
        throw w;
      }
      throw new WebConfigException(where(key, file) + "cannot read it: " + e.getMessage());
    }
  }

  private static String where(String key, Path file) {
    return "tls_server_config." + key + " " + file + ": ";
  }
}
