package io.sockwatch.cli.metrics;

import io.sockwatch.cli.web.BasicAuth;
import java.util.Locale;

/**
 * The basic-auth families of {@code /metrics}, present only when the web config lists users: how
 * requests were let in or turned away, and how full the bounded cache of successful verifications
 * is. A rising {@code rejected} count is someone guessing, or a scraper with a stale password.
 */
public final class AuthMetrics {

  private AuthMetrics() {}

  /** The families in the Prometheus text format, to follow the agent's own. */
  public static String text(BasicAuth.Counts c) {
    return String.format(
        Locale.ROOT,
        "# HELP sockwatch_web_auth_requests_total Requests checked against the web config's"
            + " basic_auth_users, by result: cached (a remembered success), verified (bcrypt"
            + " said yes), rejected.%n"
            + "# TYPE sockwatch_web_auth_requests_total counter%n"
            + "sockwatch_web_auth_requests_total{result=\"cached\"} %d%n"
            + "sockwatch_web_auth_requests_total{result=\"verified\"} %d%n"
            + "sockwatch_web_auth_requests_total{result=\"rejected\"} %d%n"
            + "# HELP sockwatch_web_auth_cache_entries Successful verifications remembered, at"
            + " most %d.%n"
            + "# TYPE sockwatch_web_auth_cache_entries gauge%n"
            + "sockwatch_web_auth_cache_entries %d%n"
            + "# HELP sockwatch_web_auth_cache_evictions_total Remembered verifications forgotten"
            + " to keep the cache within its bound.%n"
            + "# TYPE sockwatch_web_auth_cache_evictions_total counter%n"
            + "sockwatch_web_auth_cache_evictions_total %d%n",
        c.cacheHits(),
        c.verified(),
        c.rejected(),
        BasicAuth.CACHE_SIZE,
        c.cached(),
        c.evictions());
  }
}
