package io.sockwatch.cli.http;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The query parameters of a request, decoded. Unknown or repeated parameters are errors, not
 * silently ignored: a typo in {@code ?seris=} should say so rather than return everything.
 */
final class Query {

  /** Longest query accepted; a series selector and a few numbers fit easily. */
  static final int MAX_LENGTH = 4096;

  private final Map<String, String> values;

  private Query(Map<String, String> values) {
    this.values = values;
  }

  /** Parses {@code uri}'s query, allowing only {@code allowed} names. */
  static Query parse(URI uri, Set<String> allowed) {
    String raw = uri.getRawQuery();
    Map<String, String> values = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return new Query(values);
    }
    if (raw.length() > MAX_LENGTH) {
      throw HttpProblem.badRequest("query longer than " + MAX_LENGTH + " characters");
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (!allowed.contains(name)) {
        throw HttpProblem.badRequest(
            "unknown parameter '" + name + "'" + (allowed.isEmpty() ? "" : "; known: " + allowed));
      }
      if (values.put(name, value) != null) {
        throw HttpProblem.badRequest("parameter '" + name + "' given twice");
      }
    }
    return new Query(values);
  }

  Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** A whole number parameter, or {@code fallback} when absent; 400 when malformed or outside. */
  long number(String name, long fallback, long min, long max) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw HttpProblem.badRequest("parameter '" + name + "' is not a whole number: '" + v + "'");
    }
    if (n < min || n > max) {
      throw HttpProblem.badRequest(
          "parameter '" + name + "' must be between " + min + " and " + max + ", not " + n);
    }
    return n;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw HttpProblem.badRequest("malformed percent-encoding in the query");
    }
  }
}
