package io.sockwatch.model.watch;

/**
 * What /api/status shows about the store: how full it is and what it turned away, so a cap being
 * hit is visible instead of silent.
 *
 * @param series series held now
 * @param maxSeries the series cap
 * @param bytes exact bytes of all ring arrays
 * @param maxBytes the memory cap
 * @param refusedSeries new series turned away because a cap was hit
 * @param evictedSeries stale series dropped to make room for new ones
 * @param droppedSamples samples ignored: not finite or beyond float range, or not newer than the
 *     series' last sample
 */
public record HistoryStatus(
    int series,
    int maxSeries,
    long bytes,
    long maxBytes,
    long refusedSeries,
    long evictedSeries,
    long droppedSamples) {}
