package io.sockwatch.cli.web;

import io.sockwatch.cli.web.WebConfig.ClientAuth;
import io.sockwatch.cli.web.WebConfig.Tls;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a web config in node_exporter's format (the Prometheus exporter toolkit's {@code
 * web-config.yml}) strictly: a key it does not know, a key of that format sockwatch does not
 * implement, a duplicate key, a value of the wrong type or a hash that is not bcrypt is a one-line
 * error naming the key, never a setting quietly ignored; a web config that is half understood would
 * serve with less protection than its author asked for. Pure: reads no files (the certificates are
 * {@link TlsContexts}'s), only resolves their paths against the config's directory, as
 * node_exporter does.
 */
public final class WebConfigParser {

  /** The most a web config may hold; real ones are a few hundred bytes. */
  public static final int MAX_BYTES = 64 * 1024;

  private static final YAMLMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final Set<String> TOP = Set.of("tls_server_config", "basic_auth_users");
  private static final Set<String> TOP_UNSUPPORTED = Set.of("http_server_config", "rate_limit");
  private static final Set<String> TLS =
      Set.of(
          "cert_file",
          "key_file",
          "client_auth_type",
          "client_ca_file",
          "min_version",
          "max_version");
  private static final Set<String> TLS_UNSUPPORTED =
      Set.of(
          "cert",
          "key",
          "client_ca",
          "cipher_suites",
          "curve_preferences",
          "prefer_server_cipher_suites",
          "client_allowed_sans");

  /** Go's TLS version names and the JDK's, oldest first; the two oldest the JDK refuses. */
  private static final List<String> VERSIONS = List.of("TLS10", "TLS11", "TLS12", "TLS13");

  private static final List<String> JDK_VERSIONS =
      List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

  /**
   * {@code $2a$}, {@code $2b$} or {@code $2y$}, a two-digit cost, 22 characters of salt, 31 of
   * hash.
   */
  private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");

  private WebConfigParser() {}

  /**
   * The config {@code text} says.
   *
   * @param text the file's content
   * @param dir the file's directory, against which relative paths resolve
   * @throws WebConfigException when it cannot be used as written
   */
  public static WebConfig parse(String text, Path dir) {
    if (text.length() > MAX_BYTES) {
      throw new WebConfigException("larger than " + MAX_BYTES + " bytes; is it a web config?");
    }
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JacksonException e) {
      String where =
          e.getLocation() == null || e.getLocation().getLineNr() < 1
              ? ""
              : " (line " + e.getLocation().getLineNr() + ")";
      throw new WebConfigException(
          "not valid YAML" + where + ": " + oneLine(e.getOriginalMessage()));
    } catch (RuntimeException e) {
      // snakeyaml-engine's own errors (deep nesting, bad aliases) are not all Jackson's.
      throw new WebConfigException("not valid YAML: " + oneLine(e.getMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return WebConfig.NONE; // an empty file: node_exporter serves plain HTTP without auth too
    }
    requireObject(root, "the file");
    checkKeys(root, "", TOP, TOP_UNSUPPORTED);
    Optional<Tls> tls =
        root.has("tls_server_config")
            ? Optional.of(tls(root.get("tls_server_config"), dir))
            : Optional.empty();
    Map<String, String> users =
        root.has("basic_auth_users") ? users(root.get("basic_auth_users")) : Map.of();
    return new WebConfig(tls, users);
  }

  private static Tls tls(JsonNode n, Path dir) {
    String at = "tls_server_config";
    requireObject(n, at);
    checkKeys(n, at + ".", TLS, TLS_UNSUPPORTED);
    Path cert = path(n, at, "cert_file", dir).orElseThrow(() -> missing(at, "cert_file"));
    Path key = path(n, at, "key_file", dir).orElseThrow(() -> missing(at, "key_file"));
    ClientAuth auth = clientAuth(n, at);
    Optional<Path> ca = path(n, at, "client_ca_file", dir);
    if (auth.verifies() && ca.isEmpty()) {
      throw new WebConfigException(
          at + ".client_auth_type " + auth.configName() + " needs client_ca_file");
    }
    if (!auth.verifies() && ca.isPresent()) {
      throw new WebConfigException(
          at
              + ".client_ca_file is set but client_auth_type is NoClientCert: set"
              + " RequireAndVerifyClientCert or VerifyClientCertIfGiven, or remove it");
    }
    int min = version(n, at, "min_version", 2);
    int max = version(n, at, "max_version", 3);
    if (min > max) {
      throw new WebConfigException(
          at + ".min_version " + VERSIONS.get(min) + " is above max_version " + VERSIONS.get(max));
    }
    return new Tls(cert, key, auth, ca, JDK_VERSIONS.subList(min, max + 1));
  }

  private static ClientAuth clientAuth(JsonNode n, String at) {
    Optional<String> given = text(n, at, "client_auth_type");
    if (given.isEmpty()) {
      return ClientAuth.NO_CLIENT_CERT;
    }
    for (ClientAuth a : ClientAuth.values()) {
      if (a.configName().equals(given.get())) {
        return a;
      }
    }
    if (given.get().equals("RequestClientCert") || given.get().equals("RequireAnyClientCert")) {
      throw new WebConfigException(
          at
              + ".client_auth_type "
              + given.get()
              + " accepts certificates it does not verify and is not supported; use"
              + " VerifyClientCertIfGiven or RequireAndVerifyClientCert");
    }
    throw new WebConfigException(
        at
            + ".client_auth_type: unknown '"
            + given.get()
            + "'; one of NoClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert");
  }

  private static int version(JsonNode n, String at, String key, int otherwise) {
    Optional<String> given = text(n, at, key);
    if (given.isEmpty()) {
      return otherwise;
    }
    int i = VERSIONS.indexOf(given.get());
    if (i < 0) {
      throw new WebConfigException(
          at + "." + key + ": unknown '" + given.get() + "'; one of TLS12, TLS13");
    }
    if (i < 2) {
      throw new WebConfigException(
          at + "." + key + ": " + given.get() + " is disabled in the JDK as insecure; use TLS12");
    }
    return i;
  }

  private static Map<String, String> users(JsonNode n) {
    String at = "basic_auth_users";
    if (n.isNull()) {
      throw new WebConfigException(at + " is empty: list user: bcrypt-hash pairs, or remove it");
    }
    requireObject(n, at);
    Map<String, String> users = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      String user = e.getKey();
      if (user.isEmpty() || user.contains(":") || user.chars().anyMatch(Character::isISOControl)) {
        throw new WebConfigException(
            at
                + ": '"
                + printable(user)
                + "' cannot be a user name (empty, or has ':' or a"
                + " control character)");
      }
      JsonNode v = e.getValue();
      if (!v.isString()) {
        throw new WebConfigException(
            at + "." + user + ": the value must be a bcrypt hash (e.g. from htpasswd -nbBC 10)");
      }
      String hash = v.asString();
      Matcher m = BCRYPT.matcher(hash);
      if (!m.matches()) {
        throw new WebConfigException(
            at
                + "."
                + user
                + ": not a bcrypt hash ($2y$, $2b$ or $2a$, a cost and 53 characters; e.g."
                + " from htpasswd -nbBC 10 USER PASSWORD)");
      }
      int cost = Integer.parseInt(m.group(1));
      if (cost < 4 || cost > 31) {
        throw new WebConfigException(
            at + "." + user + ": bcrypt cost " + cost + " is outside 4-31");
      }
      users.put(user, hash);
    }
    if (users.isEmpty()) {
      throw new WebConfigException(at + " is empty: list user: bcrypt-hash pairs, or remove it");
    }
    return users;
  }

  private static Optional<Path> path(JsonNode n, String at, String key, Path dir) {
    Optional<String> given = text(n, at, key);
    if (given.isEmpty()) {
      return Optional.empty();
    }
    if (given.get().isBlank() || given.get().indexOf('\0') >= 0) {
      throw new WebConfigException(at + "." + key + ": not a file name");
    }
    try {
      return Optional.of(dir.resolve(given.get()).normalize());
    } catch (InvalidPathException e) {
      throw new WebConfigException(at + "." + key + ": not a file name: " + oneLine(e.getReason()));
    }
  }

  /** The string at {@code key}, empty when absent; an error when it is not a string. */
  private static Optional<String> text(JsonNode n, String at, String key) {
    JsonNode v = n.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isString()) {
      throw new WebConfigException(at + "." + key + ": must be a string");
    }
    return Optional.of(v.asString());
  }

  private static void requireObject(JsonNode n, String at) {
    if (n.isNull()) {
      throw new WebConfigException(at + " is empty");
    }
    if (!n.isObject()) {
      throw new WebConfigException(at + " must be a mapping of keys to values");
    }
  }

  private static void checkKeys(JsonNode n, String prefix, Set<String> known, Set<String> later) {
    for (String key : n.propertyNames()) {
      if (known.contains(key)) {
        continue;
      }
      if (later.contains(key)) {
        throw new WebConfigException(
            prefix + key + " is part of node_exporter's web config but not supported by sockwatch");
      }
      List<String> sorted = new ArrayList<>(known);
      sorted.sort(null);
      throw new WebConfigException(
          "unknown key '"
              + prefix
              + printable(key)
              + "' (known: "
              + String.join(", ", sorted)
              + ")");
    }
  }

  private static WebConfigException missing(String at, String key) {
    return new WebConfigException(at + "." + key + " is required");
  }

  /** At most 80 characters of a key, control characters shown as '?'. */
  private static String printable(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return t.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    String line = s.strip().replaceAll("\\s*\\R\\s*", " ");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
