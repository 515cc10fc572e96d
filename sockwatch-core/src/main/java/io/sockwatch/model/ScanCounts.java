package io.sockwatch.model;

/**
 * What an attribution scan walked, for diagnostics and tests. Vanishing processes and descriptors
 * are normal on a live host (they exit or close while the scan runs) and are only counted.
 *
 * @param processes numeric entries found in the proc directory
 * @param processesDenied processes whose descriptor table could not be read (permission)
 * @param processesVanished processes that exited before or while they were read
 * @param processesFailed processes whose table could not be read for another reason
 * @param descriptors descriptor links read (sockets and everything else)
 * @param descriptorsVanished descriptors closed between listing and reading them
 */
public record ScanCounts(
    int processes,
    int processesDenied,
    int processesVanished,
    int processesFailed,
    long descriptors,
    long descriptorsVanished) {
  /** All zero: nothing was scanned. */
  public static final ScanCounts NONE = new ScanCounts(0, 0, 0, 0, 0, 0);
}
