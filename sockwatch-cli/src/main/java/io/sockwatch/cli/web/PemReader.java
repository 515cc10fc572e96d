package io.sockwatch.cli.web;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and private keys as the JDK's key store wants them. The JDK reads PEM
 * certificates itself but private keys only as PKCS#8 DER, while {@code openssl} writes three
 * shapes: PKCS#8 ({@code BEGIN PRIVATE KEY}, OpenSSL 3's default), PKCS#1 RSA ({@code BEGIN RSA
 * PRIVATE KEY}) and SEC1 EC ({@code BEGIN EC PRIVATE KEY}); the last two are wrapped into PKCS#8
 * here ({@link Der}). Encrypted keys are refused with a clear word: serve has no passphrase to ask
 * for. Pure: text in, objects out; damaged input is an {@link IllegalArgumentException} with a
 * one-line reason.
 */
final class PemReader {

  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]{1,40})-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  /** rsaEncryption, 1.2.840.113549.1.1.1. */
  private static final byte[] RSA_OID = {
    0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
  };

  /** id-ecPublicKey, 1.2.840.10045.2.1. */
  private static final byte[] EC_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private PemReader() {}

  /** A PEM block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}) and decoded bytes. */
  record Block(String label, byte[] der) {}

  static List<Block> blocks(String pem) {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (out.size() >= 100) {
        throw new IllegalArgumentException("more than 100 PEM blocks");
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a " + m.group(1) + " block is not valid base64");
      }
      out.add(new Block(m.group(1), der));
    }
    return out;
  }

  /** Every certificate of {@code pem}, in order (the server's first, then its chain). */
  static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 support", e);
    }
    for (Block b : blocks(pem)) {
      if (!b.label().equals("CERTIFICATE")) {
        continue;
      }
      try {
        out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
      } catch (CertificateException | RuntimeException e) {
        throw new IllegalArgumentException("a CERTIFICATE block is not an X.509 certificate");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no PEM CERTIFICATE block");
    }
    return out;
  }

  /** The one private key of {@code pem}. */
  static PrivateKey privateKey(String pem) {
    List<Block> keys = blocks(pem).stream().filter(b -> b.label().endsWith("PRIVATE KEY")).toList();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          "no PEM private key block (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }
    if (keys.size() > 1) {
      throw new IllegalArgumentException("more than one private key");
    }
    Block b = keys.getFirst();
    return switch (b.label()) {
      case "PRIVATE KEY" -> pkcs8(b.der(), List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"));
      case "RSA PRIVATE KEY" -> pkcs8(fromPkcs1(b.der()), List.of("RSA"));
      case "EC PRIVATE KEY" -> pkcs8(fromSec1(b.der()), List.of("EC"));
      case "ENCRYPTED PRIVATE KEY" ->
          throw new IllegalArgumentException(
              "the private key is encrypted; decrypt it (openssl pkey -in KEY -out PLAIN)");
      default -> throw new IllegalArgumentException("unsupported key type: " + b.label());
    };
  }

  private static PrivateKey pkcs8(byte[] der, List<String> algorithms) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException(
        "the private key is not a readable " + String.join(", ", algorithms) + " key");
  }

  /** PKCS#8 around a PKCS#1 RSAPrivateKey: version 0, rsaEncryption with NULL parameters. */
  static byte[] fromPkcs1(byte[] pkcs1) {
    Der.sequence(pkcs1); // a SEQUENCE, or an error here rather than a vague one from the JDK
    return Der.sequence(
        Der.integerZero(),
        Der.sequence(Der.oid(RSA_OID), Der.nullElement()),
        Der.octetString(pkcs1));
  }

  /**
   * PKCS#8 around a SEC1 ECPrivateKey: the curve, which SEC1 keeps in its {@code [0]} parameters,
   * becomes the algorithm's parameter.
   */
  static byte[] fromSec1(byte[] sec1) {
    byte[] curve = null;
    for (Der.Element e : Der.sequence(sec1)) {
      if (e.tag() == Der.CONTEXT_0) {
        List<Der.Element> inner = Der.elements(e.content());
        if (inner.size() == 1 && inner.getFirst().tag() == Der.OID) {
          curve = inner.getFirst().encoded();
        }
      }
    }
    if (curve == null) {
      throw new IllegalArgumentException("the EC private key does not name its curve");
    }
    return Der.sequence(
        Der.integerZero(), Der.sequence(Der.oid(EC_OID), curve), Der.octetString(sec1));
  }
}
