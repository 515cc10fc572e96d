package io.sockwatch.model;

/**
 * {@code net.ipv4.tcp_mem}: the node-wide TCP memory thresholds in pages. Below {@code min} the
 * kernel does not limit; above {@code pressure} it moderates buffers; at {@code max} it refuses
 * allocations ("TCP: out of memory").
 */
public record TcpMemLimits(long minPages, long pressurePages, long maxPages) {}
