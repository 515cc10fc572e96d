package io.sockwatch.model.finding;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The stable name of one kind of evidence, implemented by each detector's enum of the evidence it
 * gives. An enum rather than string literals at each call, so that every key a detector can emit is
 * listed in one place ({@link Detector#evidenceKeys()}) and a test can hold that list against
 * docs/doctor-json.md; a key used in a rare branch cannot be missed.
 */
public interface EvidenceKey {

  /** The enum constant's name, e.g. {@code TCP_MEM_MAX_PAGES}. */
  String name();

  /** The key as programs read it: the constant's name in lower case, {@code tcp_mem_max_pages}. */
  default String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The keys of every constant of an enum of evidence keys, in declaration order. */
  static <E extends Enum<E> & EvidenceKey> List<String> keysOf(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(EvidenceKey::key).toList();
  }
}
