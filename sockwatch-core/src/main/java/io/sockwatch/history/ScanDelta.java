package io.sockwatch.history;

/**
 * What one scan changed in {@link FirstSeen}.
 *
 * @param newCookies cookies seen for the first time in this scan (connection churn)
 * @param removed cookies of the previous scan absent from this one (closed sockets)
 * @param live cookies tracked after the scan
 * @param refused new cookies not tracked because the capacity was reached
 */
public record ScanDelta(long[] newCookies, int removed, int live, int refused) {}
