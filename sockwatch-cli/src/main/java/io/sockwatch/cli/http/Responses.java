package io.sockwatch.cli.http;

import com.sun.net.httpserver.HttpExchange;
import io.sockwatch.cli.output.JsonWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Writing bodies: JSON, text and the JSON error shape {@code {"error": ..., "status": ...}}. */
final class Responses {

  static final String JSON = "application/json; charset=utf-8";

  private Responses() {}

  /** 200 with a JSON body streamed by {@code body} (chunked: sizes are not known up front). */
  static void json(HttpExchange ex, Consumer<JsonWriter> body) throws IOException {
    text(ex, 200, JSON, w -> body.accept(new JsonWriter(w)));
  }

  /** A text body of {@code contentType}, written by {@code body}. */
  static void text(HttpExchange ex, int status, String contentType, WriterBody body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : 0);
    if (head) {
      ex.close();
      return;
    }
    try (OutputStream os = ex.getResponseBody();
        Writer w =
            new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 15)) {
      body.write(w);
    }
  }

  /** The JSON error body; the message is the caller's, never an exception's stack. */
  static void error(HttpExchange ex, int status, String message) throws IOException {
    byte[] body;
    var sw = new java.io.StringWriter();
    new JsonWriter(sw).beginObject().field("error", message).field("status", status).endObject();
    body = (sw + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", JSON);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream os = ex.getResponseBody()) {
        os.write(body);
      }
    }
    ex.close();
  }

  /** Writes a text body. */
  @FunctionalInterface
  interface WriterBody {
    void write(Writer w) throws IOException;
  }
}
