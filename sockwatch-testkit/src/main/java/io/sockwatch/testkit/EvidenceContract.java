package io.sockwatch.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The evidence contract of docs/doctor-json.md, for tests: every evidence item of a finding has a
 * key matching {@value #KEY_PATTERN} that its detector's table in the doc lists, the unit that
 * table gives, a member exactly when the table names one, and no (key, member) twice in the
 * finding.
 *
 * <p>In the testkit so that core's detector tests (on the findings they build) and the CLI's live
 * tests (on every finding doctor and serve print as JSON) hold findings to the same document,
 * rather than each to its own idea of it.
 */
public final class EvidenceContract {

  /** What every key matches. */
  public static final String KEY_PATTERN = "^[a-z][a-z0-9_]*$";

  private static final Pattern KEY = Pattern.compile(KEY_PATTERN);
  private static final Pattern CODE = Pattern.compile("`([^`]*)`");
  private static final Path DOC = Path.of("docs", "doctor-json.md");

  private static Map<String, Map<String, Row>> documented;

  private EvidenceContract() {}

  /** One evidence item as the contract sees it; {@code key} null when the item has none. */
  public record Item(String key, String member, String unit) {}

  /**
   * One row of a detector's table.
   *
   * @param key the key
   * @param units the units the value may be given in ({@code ""}: none)
   * @param member what the member is, empty for items about the finding as a whole
   */
  public record Row(String key, Set<String> units, String member) {}

  /** Whether {@code key} is a well-formed key. */
  public static boolean wellFormed(String key) {
    return key != null && KEY.matcher(key).matches();
  }

  /** The tables of docs/doctor-json.md: detector id to its rows by key, in the doc's order. */
  public static synchronized Map<String, Map<String, Row>> documented() {
    if (documented == null) {
      Path doc = locate();
      try {
        documented = parse(Files.readAllLines(doc));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return documented;
  }

  /** docs/doctor-json.md, looked for from the working directory (a module's) upwards. */
  public static Path locate() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(DOC))) {
        return dir.resolve(DOC);
      }
    }
    throw new IllegalStateException(DOC + " not found above " + Path.of("").toAbsolutePath());
  }

  /**
   * The key tables of the doc's "Evidence" section: under each {@code ### `detector`} heading, the
   * rows {@code | `key` | units | member | meaning |}, units as code spans.
   */
  public static Map<String, Map<String, Row>> parse(List<String> lines) {
    Map<String, Map<String, Row>> out = new LinkedHashMap<>();
    boolean inSection = false;
    Map<String, Row> table = null;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        inSection = line.strip().equals("## Evidence");
        table = null;
      } else if (inSection && line.startsWith("### ")) {
        String detector = line.substring(4).replace("`", "").strip();
        table = new LinkedHashMap<>();
        if (out.put(detector, table) != null) {
          throw new IllegalArgumentException("two tables for " + detector);
        }
      } else if (table != null && line.startsWith("| `")) {
        String[] cells = line.split("\\|", -1);
        if (cells.length != 6) {
          throw new IllegalArgumentException("not a row of 4 cells: " + line);
        }
        String key = cells[1].strip().replace("`", "");
        Set<String> units = new LinkedHashSet<>();
        Matcher m = CODE.matcher(cells[2]);
        while (m.find()) {
          units.add(m.group(1));
        }
        if (units.isEmpty()) {
          units.add("");
        }
        if (table.put(key, new Row(key, Set.copyOf(units), cells[3].strip())) != null) {
          throw new IllegalArgumentException("key " + key + " listed twice: " + line);
        }
      }
    }
    return out;
  }

  /**
   * Checks one finding against docs/doctor-json.md; see {@link #check(Map, String, String, List)}.
   */
  public static void check(String findingId, String detector, List<Item> items) {
    check(documented(), findingId, detector, items);
  }

  /**
   * Checks the evidence of one finding against {@code doc}, throwing an {@link AssertionError} that
   * names the finding and every item that breaks the contract.
   */
  public static void check(
      Map<String, Map<String, Row>> doc, String findingId, String detector, List<Item> items) {
    List<String> problems = new ArrayList<>();
    Map<String, Row> table = doc.get(detector);
    if (table == null) {
      problems.add("detector " + detector + " has no table in " + DOC);
    }
    Set<String> seen = new HashSet<>();
    for (Item i : items) {
      String member = i.member() == null ? "" : i.member();
      String what = "key " + i.key() + (member.isEmpty() ? "" : " member " + member);
      if (!wellFormed(i.key())) {
        problems.add(what + ": does not match " + KEY_PATTERN);
        continue;
      }
      if (!seen.add(i.key() + "\n" + member)) {
        problems.add(what + ": twice in the finding");
      }
      Row row = table == null ? null : table.get(i.key());
      if (row == null) {
        if (table != null) {
          problems.add(what + ": not listed for " + detector + " in " + DOC);
        }
        continue;
      }
      if (!row.units().contains(i.unit())) {
        problems.add(what + ": unit '" + i.unit() + "', the doc says " + row.units());
      }
      if (row.member().isEmpty() != member.isEmpty()) {
        problems.add(
            what
                + (member.isEmpty()
                    ? ": no member, the doc says one per " + row.member()
                    : ": a member, the doc lists none"));
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "evidence of " + findingId + " breaks the contract:\n  " + String.join("\n  ", problems));
    }
  }
}
