package io.sockwatch.netns;

import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.Unavailable;
import java.util.List;

/**
 * What a {@link io.sockwatch.model.snapshot.NetnsChoice} names at one moment.
 *
 * @param ownOnly read the caller's own namespace directly, without enumeration
 * @param namespaces the namespaces to enter, the host's first; empty when {@code ownOnly}
 * @param notes what the choice could not see, said with the reason (a hidden host link, processes
 *     whose namespace was not readable)
 */
public record ChosenNamespaces(
    boolean ownOnly, List<NetworkNamespace> namespaces, List<Unavailable> notes) {

  public ChosenNamespaces {
    namespaces = List.copyOf(namespaces);
    notes = List.copyOf(notes);
  }

  static ChosenNamespaces own(List<Unavailable> notes) {
    return new ChosenNamespaces(true, List.of(), notes);
  }
}
