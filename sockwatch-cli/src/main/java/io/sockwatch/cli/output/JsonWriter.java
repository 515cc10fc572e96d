package io.sockwatch.cli.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * A minimal streaming JSON writer. sockwatch writes JSON for up to a million sockets and never
 * parses any, so a forward-only writer that keeps nothing in memory beats a tree mapper in both
 * start-up time (this CLI is often run once per question) and heap. Commas are managed by a small
 * nesting stack; callers only say what comes next.
 */
public final class JsonWriter {

  private final Writer out;
  private final boolean[] needComma = new boolean[64];
  private int depth;
  private boolean afterName;

  public JsonWriter(Writer out) {
    this.out = out;
  }

  public JsonWriter beginObject() {
    value();
    write('{');
    push();
    return this;
  }

  public JsonWriter endObject() {
    depth--;
    write('}');
    return this;
  }

  public JsonWriter beginArray() {
    value();
    write('[');
    push();
    return this;
  }

  public JsonWriter endArray() {
    depth--;
    write(']');
    return this;
  }

  public JsonWriter name(String name) {
    comma();
    string(name);
    write(':');
    afterName = true;
    return this;
  }

  public JsonWriter value(String s) {
    value();
    if (s == null) {
      raw("null");
    } else {
      string(s);
    }
    return this;
  }

  public JsonWriter value(long v) {
    value();
    raw(Long.toString(v));
    return this;
  }

  public JsonWriter value(double v) {
    value();
    raw(Double.isFinite(v) ? Double.toString(v) : "null");
    return this;
  }

  public JsonWriter value(boolean v) {
    value();
    raw(v ? "true" : "false");
    return this;
  }

  public JsonWriter nullValue() {
    value();
    raw("null");
    return this;
  }

  public JsonWriter field(String name, String v) {
    return name(name).value(v);
  }

  public JsonWriter field(String name, long v) {
    return name(name).value(v);
  }

  public JsonWriter field(String name, boolean v) {
    return name(name).value(v);
  }

  public void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void push() {
    if (depth == needComma.length) {
      throw new IllegalStateException("JSON nested too deeply");
    }
    needComma[depth++] = false;
  }

  private void value() {
    if (afterName) {
      afterName = false;
      return;
    }
    comma();
  }

  private void comma() {
    if (depth > 0) {
      if (needComma[depth - 1]) {
        write(',');
      }
      needComma[depth - 1] = true;
    }
  }

  private void string(String s) {
    write('"');
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20 || c == 0x2028 || c == 0x2029) {
        raw(s, start, i);
        switch (c) {
          case '"' -> raw("\\\"");
          case '\\' -> raw("\\\\");
          case '\n' -> raw("\\n");
          case '\r' -> raw("\\r");
          case '\t' -> raw("\\t");
          default -> raw(String.format("\\u%04x", (int) c));
        }
        start = i + 1;
      }
    }
    raw(s, start, s.length());
    write('"');
  }

  private void raw(String s) {
    raw(s, 0, s.length());
  }

  private void raw(String s, int from, int to) {
    try {
      out.write(s, from, to - from);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(char c) {
    try {
      out.write(c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
