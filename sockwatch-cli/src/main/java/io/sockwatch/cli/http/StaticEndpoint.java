package io.sockwatch.cli.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * One file of the dashboard, served from the classpath so that the page works offline (no CDN, no
 * files next to the jar).
 *
 * <p>The file is read once, when the server starts: a missing or oversized resource is a packaging
 * bug and should stop {@code serve} at startup, not surface as a 404 in someone's browser later.
 * Browsers may keep it but must revalidate ({@code no-cache} with a content-hash ETag): the page
 * changes only when the agent is upgraded, and a cached page must never outlive the API it was
 * written against. The Content-Security-Policy allows scripts, styles and requests from the agent
 * only, which both proves the page needs nothing from elsewhere and stops injected markup from
 * running, should an escaping bug ever let some through.
 */
final class StaticEndpoint implements Endpoint {

  /** Largest file served; the biggest (uPlot) is about 50 KiB. */
  static final int MAX_BYTES = 512 * 1024;

  static final String HTML = "text/html; charset=utf-8";
  static final String JAVASCRIPT = "text/javascript; charset=utf-8";
  static final String CSS = "text/css; charset=utf-8";

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final byte[] body;
  private final String contentType;
  private final String etag;

  private StaticEndpoint(byte[] body, String contentType) {
    this.body = body;
    this.contentType = contentType;
    this.etag = "\"" + sha256(body).substring(0, 32) + "\"";
  }

  /**
   * Reads the classpath resource {@code name} (absolute, without a leading slash).
   *
   * @throws IllegalStateException when it is missing or larger than {@link #MAX_BYTES}, so that
   *     {@code serve} stops at startup with the file's name
   */
  static StaticEndpoint resource(String name, String contentType) {
    return resource(name, contentType, MAX_BYTES);
  }

  /** As {@link #resource(String, String)}, with a smaller bound (tests). */
  static StaticEndpoint resource(String name, String contentType, int maxBytes) {
    try (InputStream in = StaticEndpoint.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard file missing from the jar: " + name);
      }
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new IllegalStateException(
            "dashboard file " + name + " is larger than " + maxBytes + " bytes");
      }
      return new StaticEndpoint(bytes, contentType);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard file " + name, e);
    }
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    Query.parse(ex.getRequestURI(), Set.of());
    Headers h = ex.getResponseHeaders();
    h.set("Content-Type", contentType);
    h.set("Cache-Control", "no-cache");
    h.set("ETag", etag);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    h.set("Referrer-Policy", "no-referrer");
    if (matches(ex.getRequestHeaders().getFirst("If-None-Match"))) {
      ex.sendResponseHeaders(304, -1);
      return;
    }
    if ("HEAD".equals(ex.getRequestMethod())) {
      h.set("Content-Length", Integer.toString(body.length));
      ex.sendResponseHeaders(200, -1);
      return;
    }
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(body);
    }
  }

  /** {@code If-None-Match}: a list of tags, possibly weak ({@code W/"..."}), or {@code *}. */
  private boolean matches(String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals("*") || t.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
