package io.sockwatch.model.probe;

/**
 * How a connection fared after its idle time.
 *
 * @param survived whether the echo came back
 * @param how {@code echo}, {@code silent} (the send went unanswered: the middlebox dropped it),
 *     {@code reset} (an RST: the middlebox or the peer rejected it) or {@code closed} (a FIN)
 * @param detail one line for people, e.g. "echo after 0.4 ms" or "no echo within 5 s"
 */
public record TryOutcome(boolean survived, String how, String detail) {}
