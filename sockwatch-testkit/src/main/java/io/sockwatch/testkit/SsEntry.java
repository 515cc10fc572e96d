package io.sockwatch.testkit;

/**
 * One TCP socket as {@code ss -tan} lists it, normalised so it can be compared with what sockwatch
 * reads from the kernel: the same socket always yields the same strings, however ss chose to print
 * it.
 *
 * @param state ss's state name ({@code ESTAB}, {@code TIME-WAIT}, {@code LISTEN}, ...)
 * @param local {@code a.b.c.d:port} or {@code [v6]:port} (RFC 5952, lower case); the any-address as
 *     {@code 0.0.0.0} or {@code [::]}, never {@code *}
 * @param peer same form as {@code local}; a listener's peer is {@code 0.0.0.0:0} or {@code [::]:0}
 */
public record SsEntry(String state, String local, String peer) {

  /** {@code STATE LOCAL PEER}, the same tuple key sockwatch's own records produce. */
  public String key() {
    return state + ' ' + local + ' ' + peer;
  }
}
