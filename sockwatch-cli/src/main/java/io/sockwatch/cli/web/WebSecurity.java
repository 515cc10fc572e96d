package io.sockwatch.cli.web;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code serve --web-config FILE} puts in front of every address it serves: TLS, basic auth,
 * both or neither, loaded and checked once at start (a change of the file or of the certificates
 * takes a restart).
 *
 * @param tls the TLS context and parameters, when the file asks for TLS
 * @param auth the authenticator, when the file lists users
 */
public record WebSecurity(Optional<TlsContexts.Server> tls, Optional<BasicAuth> auth) {

  /** Plain HTTP, no authentication: serve without {@code --web-config}. */
  public static final WebSecurity NONE = new WebSecurity(Optional.empty(), Optional.empty());

  /**
   * Reads, checks and loads {@code file}.
   *
   * @throws WebConfigException in one line naming the file and what is wrong
   */
  public static WebSecurity load(Path file) {
    String text;
    try {
      if (Files.isDirectory(file)) {
        throw new WebConfigException(file + ": is a directory, not a web config file");
      }
      if (Files.size(file) > WebConfigParser.MAX_BYTES) {
        throw new WebConfigException(
            file + ": larger than " + WebConfigParser.MAX_BYTES + " bytes; is it a web config?");
      }
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (NoSuchFileException e) {
      throw new WebConfigException(file + ": no such file");
    } catch (CharacterCodingException e) {
      throw new WebConfigException(file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new WebConfigException(file + ": cannot read it: " + e.getMessage());
    }
    WebConfig config;
    try {
      Path dir = file.toAbsolutePath().getParent();
      config = WebConfigParser.parse(text, dir == null ? Path.of("/") : dir);
    } catch (WebConfigException e) {
      throw new WebConfigException(file + ": " + e.getMessage());
    }
    return of(config);
  }

  /** Loads what {@code config} names (its certificate files). */
  public static WebSecurity of(WebConfig config) {
    return new WebSecurity(
        config.tls().map(TlsContexts::load),
        config.users().isEmpty() ? Optional.empty() : Optional.of(new BasicAuth(config.users())));
  }

  /** {@code https} with TLS, else {@code http}. */
  public String scheme() {
    return tls.isPresent() ? "https" : "http";
  }
}
