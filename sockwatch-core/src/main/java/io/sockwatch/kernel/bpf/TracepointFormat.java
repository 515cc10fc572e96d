package io.sockwatch.kernel.bpf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A tracepoint's record layout as tracefs publishes it in {@code events/GROUP/NAME/format}. The
 * program reads its fields at these offsets rather than at numbers fixed at build time: the layout
 * is the kernel's stable interface, the offsets are not promised across versions.
 *
 * @param name the event's name
 * @param id the event's id, what {@code perf_event_open} attaches to (from the format's {@code ID:}
 *     line, or the event's {@code id} file)
 * @param fields every field by name, with offset and size in bytes
 */
record TracepointFormat(String name, long id, Map<String, Field> fields) {

  /** Upper bound on the fields of one format: real events have a few dozen. */
  static final int MAX_FIELDS = 256;

  /** Upper bound on an offset or size: a trace record is at most a few pages. */
  static final int MAX_OFFSET = 1 << 16;

  /**
   * One field of the record.
   *
   * @param name its name, without array brackets
   * @param offset its offset from the record's start (the program's context)
   * @param size its size in bytes (an array's whole size)
   */
  record Field(String name, int offset, int size) {}

  TracepointFormat {
    fields = Map.copyOf(fields);
  }

  /**
   * Parses a format file's text.
   *
   * @throws IllegalArgumentException with a one-line reason when the text is not a format file
   */
  static TracepointFormat parse(String text) {
    String name = null;
    long id = -1;
    Map<String, Field> fields = new LinkedHashMap<>();
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      if (line.startsWith("name:")) {
        name = line.substring(5).strip();
      } else if (line.startsWith("ID:")) {
        id = parseNumber(line.substring(3).strip(), "ID");
      } else if (line.startsWith("field:")) {
        Field f = parseField(line);
        if (fields.size() >= MAX_FIELDS) {
          throw new IllegalArgumentException("more than " + MAX_FIELDS + " fields");
        }
        fields.putIfAbsent(f.name(), f);
      }
    }
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("no name: line");
    }
    if (id < 0) {
      throw new IllegalArgumentException("no ID: line");
    }
    return new TracepointFormat(name, id, fields);
  }

  /** The field, if the format has it. */
  Optional<Field> field(String fieldName) {
    return Optional.ofNullable(fields.get(fieldName));
  }

  /**
   * The field, checked to have one of the sizes the program reads it with.
   *
   * @throws IllegalArgumentException naming the field when it is absent or of another size
   */
  Field require(String fieldName, int size) {
    Field f = fields.get(fieldName);
    if (f == null) {
      throw new IllegalArgumentException(name + " has no field " + fieldName);
    }
    if (f.size() != size) {
      throw new IllegalArgumentException(
          name + "." + fieldName + " is " + f.size() + " bytes, expected " + size);
    }
    return f;
  }

  // "field:const void * skaddr;\toffset:8;\tsize:8;\tsigned:0;"
  private static Field parseField(String line) {
    String[] parts = line.split(";");
    if (parts.length < 3) {
      throw new IllegalArgumentException("field line without offset and size: " + clip(line));
    }
    String declaration = parts[0].substring("field:".length()).strip();
    int bracket = declaration.indexOf('[');
    String beforeArray = bracket >= 0 ? declaration.substring(0, bracket) : declaration;
    int space = Math.max(beforeArray.lastIndexOf(' '), beforeArray.lastIndexOf('*'));
    String fieldName = beforeArray.substring(space + 1).strip();
    if (fieldName.isEmpty() || !fieldName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("field without a name: " + clip(line));
    }
    int offset = -1;
    int size = -1;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip();
      if (p.startsWith("offset:")) {
        offset = (int) parseNumber(p.substring(7), "offset");
      } else if (p.startsWith("size:")) {
        size = (int) parseNumber(p.substring(5), "size");
      }
    }
    if (offset < 0 || size <= 0 || offset > MAX_OFFSET || size > MAX_OFFSET) {
      throw new IllegalArgumentException("field " + fieldName + " without a sane offset and size");
    }
    return new Field(fieldName, offset, size);
  }

  private static long parseNumber(String text, String what) {
    String t = text.strip();
    if (t.isEmpty() || t.length() > 9 || !t.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(what + " is not a number: " + clip(t));
    }
    return Long.parseLong(t);
  }

  private static String clip(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
