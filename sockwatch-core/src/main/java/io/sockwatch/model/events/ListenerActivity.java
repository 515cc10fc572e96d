package io.sockwatch.model.events;

import java.util.OptionalDouble;

/**
 * Inbound connections on one listening port within a window, from the kernel's events. The
 * accepting process is the listener's owner, found by the scan (the handshake completes in the
 * kernel, not in any process's context).
 *
 * @param port the local (listening) port
 * @param accepts connections accepted on it, counted when they ended within the window
 * @param closes of its connections, those that ended in the window
 * @param lifetimeP50Seconds median lifetime of those that ended, if any
 * @param lifetimeP99Seconds 99th percentile lifetime of those, if any
 */
public record ListenerActivity(
    int port,
    long accepts,
    long closes,
    OptionalDouble lifetimeP50Seconds,
    OptionalDouble lifetimeP99Seconds) {}
