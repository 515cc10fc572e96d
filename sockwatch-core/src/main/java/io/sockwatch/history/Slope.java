package io.sockwatch.history;

/**
 * A trend: change per second and how many points it rests on, so a caller can refuse to predict
 * from too few points. NaN slope when fewer than two distinct timestamps were given.
 */
public record Slope(double perSecond, int points) {}
