package io.sockwatch.cli.web;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Basic auth against bcrypt hashes, on known vectors: hashes made by {@code htpasswd -nbBC} of
 * Debian's apache2-utils 2.4 ({@code $2y$}) and one of jBCrypt's published test vectors ({@code
 * $2a$}). Right passwords pass, every wrong or malformed header fails, and successes are cached in
 * a bounded, counted cache.
 */
class BasicAuthTest {

  /** {@code htpasswd -nbBC 5 alice 's3cret pass'}. */
  private static final String ALICE =
      "$2y$05$J9IwLE29gM6sRfUECvqOFek3I8Px0/A7CIVFq9XMTWlTuG4zB9MJK";

  /** {@code htpasswd -nbBC 4 bob 'пароль:with:colons'}: UTF-8, and colons after the first. */
  private static final String BOB = "$2y$04$zds/s9b/enBdgBqdomSzCuiWf726Mdc6me0ZA0f7mc617GHDsolcm";

  /** jBCrypt's test vector for the empty password. */
  private static final String EMPTY =
      "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.";

  private final BasicAuth auth = new BasicAuth(Map.of("alice", ALICE, "bob", BOB, "eve", EMPTY));

  private static String basic(String userColonPassword) {
    return "Basic "
        + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void rightPasswordsPass() throws Exception {
    assertThat(auth.accepts(basic("alice:s3cret pass"))).isTrue();
    assertThat(auth.accepts(basic("bob:пароль:with:colons"))).isTrue();
    assertThat(auth.accepts(basic("eve:"))).isTrue();
    assertThat(auth.accepts("basic " + basic("alice:s3cret pass").substring(6))).isTrue();
  }

  @Test
  void wrongPasswordsAndMalformedHeadersFail() throws Exception {
    for (String header :
        new String[] {
          null,
          "",
          basic("alice:s3cret"),
          basic("alice:s3cret pass "),
          basic("Alice:s3cret pass"),
          basic("mallory:s3cret pass"),
          basic("bob:пароль"),
          basic("eve:x"),
          basic("alice"),
          "Basic !!!notbase64",
          "Bearer " + basic("alice:s3cret pass").substring(6),
          "Basic " + "A".repeat(5000),
          basic("alice:" + "x".repeat(100)),
        }) {
      assertThat(auth.accepts(header)).as(String.valueOf(header)).isFalse();
    }
    assertThat(auth.counts().rejected()).isEqualTo(13);
    assertThat(auth.counts().verified()).isZero();
    assertThat(auth.counts().cached()).isZero();
  }

  @Test
  void aSuccessIsVerifiedOnceThenRemembered() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(auth.accepts(basic("alice:s3cret pass"))).isTrue();
    }
    assertThat(auth.counts().verified()).isEqualTo(1);
    assertThat(auth.counts().cacheHits()).isEqualTo(4);
    assertThat(auth.counts().cached()).isEqualTo(1);
    // The cached success is for that password only.
    assertThat(auth.accepts(basic("alice:s3cret pas"))).isFalse();
  }

  @Test
  void theCacheStaysWithinItsBound() throws Exception {
    Map<String, String> users = new HashMap<>();
    int n = BasicAuth.CACHE_SIZE + 20;
    for (int i = 0; i < n; i++) {
      users.put("u" + i, new String(BCrypt.withDefaults().hash(4, ("p" + i).toCharArray())));
    }
    BasicAuth many = new BasicAuth(users);
    for (int i = 0; i < n; i++) {
      assertThat(many.accepts(basic("u" + i + ":p" + i))).isTrue();
    }
    assertThat(many.counts().cached()).isEqualTo(BasicAuth.CACHE_SIZE);
    assertThat(many.counts().evictions()).isEqualTo(20);
    // The earliest were forgotten, so they are verified again, and still accepted.
    assertThat(many.accepts(basic("u0:p0"))).isTrue();
    assertThat(many.counts().verified()).isEqualTo(n + 1);
  }
}
