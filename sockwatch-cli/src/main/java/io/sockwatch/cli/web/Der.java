package io.sockwatch.cli.web;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The little of ASN.1 DER that turning a traditional private key (PKCS#1 RSA, SEC1 EC) into the
 * PKCS#8 form the JDK reads takes: reading tag-length-value elements, and writing a SEQUENCE, OCTET
 * STRING, INTEGER 0 and NULL around them. Every length is checked against what is left, so damaged
 * input is an {@link IllegalArgumentException}, never an out-of-bounds read.
 */
final class Der {

  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int SEQUENCE = 0x30;

  /** Context-specific, constructed, [0]: SEC1's curve parameters. */
  static final int CONTEXT_0 = 0xa0;

  private Der() {}

  /** One element: its tag and its whole encoding (tag and length included), and its content. */
  record Element(int tag, byte[] encoded, byte[] content) {}

  /** The elements of {@code der}, one after another; it must hold nothing else. */
  static List<Element> elements(byte[] der) {
    List<Element> out = new ArrayList<>();
    int at = 0;
    while (at < der.length) {
      if (out.size() >= 64) {
        throw new IllegalArgumentException("too many elements");
      }
      int start = at;
      int tag = der[at++] & 0xff;
      if ((tag & 0x1f) == 0x1f) {
        throw new IllegalArgumentException("multi-byte tags are not used in keys");
      }
      if (at >= der.length) {
        throw new IllegalArgumentException("truncated length");
      }
      int first = der[at++] & 0xff;
      long length;
      if (first < 0x80) {
        length = first;
      } else {
        int n = first & 0x7f;
        if (n == 0 || n > 3) {
          throw new IllegalArgumentException("unsupported length of " + n + " bytes");
        }
        if (at + n > der.length) {
          throw new IllegalArgumentException("truncated length");
        }
        length = 0;
        for (int i = 0; i < n; i++) {
          length = (length << 8) | (der[at++] & 0xff);
        }
      }
      if (length > der.length - at) {
        throw new IllegalArgumentException("an element is longer than its input");
      }
      int end = at + (int) length;
      out.add(
          new Element(tag, Arrays.copyOfRange(der, start, end), Arrays.copyOfRange(der, at, end)));
      at = end;
    }
    return out;
  }

  /** The content of the single SEQUENCE {@code der} is. */
  static List<Element> sequence(byte[] der) {
    List<Element> top = elements(der);
    if (top.size() != 1 || top.getFirst().tag() != SEQUENCE) {
      throw new IllegalArgumentException("not a DER SEQUENCE");
    }
    return elements(top.getFirst().content());
  }

  static byte[] sequence(byte[]... parts) {
    return tlv(SEQUENCE, concat(parts));
  }

  static byte[] octetString(byte[] content) {
    return tlv(OCTET_STRING, content);
  }

  static byte[] integerZero() {
    return new byte[] {INTEGER, 1, 0};
  }

  static byte[] nullElement() {
    return new byte[] {NULL, 0};
  }

  /** An OBJECT IDENTIFIER's encoding from its content bytes. */
  static byte[] oid(byte[] content) {
    return tlv(OID, content);
  }

  static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
