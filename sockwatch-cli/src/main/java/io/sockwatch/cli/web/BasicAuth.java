package io.sockwatch.cli.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP basic authentication against bcrypt hashes ({@code basic_auth_users}).
 *
 * <p>bcrypt is slow by design (85-300 ms per verification at cost 10 here, warm to cold JIT), and
 * Prometheus sends the same credentials with every scrape, so successful verifications are
 * remembered: keyed by a SHA-256 of user, password and hash (never the password itself), at most
 * {@value #CACHE_SIZE} of them, the least recently used forgotten first. Failures are never cached,
 * so a wrong password costs a full bcrypt every time, and at most {@value
 * #CONCURRENT_VERIFICATIONS} verifications run at once: a flood of bad passwords queues behind them
 * instead of taking every core, while scrapes with cached credentials pass without waiting. An
 * unknown user is checked against a dummy hash of the same cost, so the answer takes as long as for
 * a known user with a wrong password. The hash comparison inside bcrypt is constant-time. Passwords
 * longer than bcrypt's 72 bytes are refused, as Go's bcrypt (node_exporter's) does.
 */
public final class BasicAuth {

  public static final int CACHE_SIZE = 256;
  static final int CONCURRENT_VERIFICATIONS = 2;
  private static final int MAX_PASSWORD_BYTES = 72;
  private static final int MAX_HEADER_CHARS = 4096;

  private final Map<String, String> users;
  private final String dummyHash;
  private final Map<String, Boolean> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          if (size() > CACHE_SIZE) {
            evictions.incrementAndGet();
            return true;
          }
          return false;
        }
      };
  private final Semaphore verifying = new Semaphore(CONCURRENT_VERIFICATIONS, true);

  private final AtomicLong cacheHits = new AtomicLong();
  private final AtomicLong verified = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong evictions = new AtomicLong();

  /** What the authenticator did so far, for {@code /metrics}. */
  public record Counts(long cacheHits, long verified, long rejected, long evictions, int cached) {}

  /**
   * @param users user name to bcrypt hash, as {@link WebConfigParser} checked them
   */
  public BasicAuth(Map<String, String> users) {
    if (users.isEmpty()) {
      throw new IllegalArgumentException("no users");
    }
    this.users = Map.copyOf(users);
    // Same cost as the first user's hash, so an unknown user costs what a known one does.
    String any = users.values().iterator().next();
    int cost = Integer.parseInt(any.substring(4, 6));
    this.dummyHash =
        new String(
            BCrypt.withDefaults().hash(cost, "sockwatch-no-such-user".toCharArray()),
            StandardCharsets.UTF_8);
  }

  /**
   * Whether the {@code Authorization} header value names a user with the right password.
   *
   * @param header the header's value, or null when there is none
   */
  public boolean accepts(String header) throws InterruptedException {
    if (header == null
        || header.length() > MAX_HEADER_CHARS
        || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      rejected.incrementAndGet();
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      rejected.incrementAndGet();
      return false;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      rejected.incrementAndGet();
      return false;
    }
    String user = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    boolean ok = check(user, password);
    if (!ok) {
      rejected.incrementAndGet();
    }
    return ok;
  }

  private boolean check(String user, String password) throws InterruptedException {
    String hash = users.get(user);
    String key = key(user, password, hash == null ? dummyHash : hash);
    if (hash != null) {
      synchronized (cache) {
        if (cache.get(key) != null) {
          cacheHits.incrementAndGet();
          return true;
        }
      }
    }
    byte[] pw = password.getBytes(StandardCharsets.UTF_8);
    if (pw.length > MAX_PASSWORD_BYTES) {
      return false;
    }
    boolean match;
    verifying.acquire();
    try {
      match =
          BCrypt.verifyer()
              .verify(pw, (hash == null ? dummyHash : hash).getBytes(StandardCharsets.UTF_8))
              .verified;
    } catch (RuntimeException e) {
      match = false; // a hash the library cannot read: the parser checked the format already
    } finally {
      verifying.release();
    }
    if (!match || hash == null) {
      return false;
    }
    verified.incrementAndGet();
    synchronized (cache) {
      cache.put(key, Boolean.TRUE);
    }
    return true;
  }

  /** A cache key that does not keep the password: SHA-256 over the three, length-prefixed. */
  private static String key(String user, String password, String hash) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {user, password, hash}) {
        byte[] b = part.getBytes(StandardCharsets.UTF_8);
        md.update((byte) (b.length >>> 24));
        md.update((byte) (b.length >>> 16));
        md.update((byte) (b.length >>> 8));
        md.update((byte) b.length);
        md.update(b);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  public Counts counts() {
    int size;
    synchronized (cache) {
      size = cache.size();
    }
    return new Counts(cacheHits.get(), verified.get(), rejected.get(), evictions.get(), size);
  }
}
