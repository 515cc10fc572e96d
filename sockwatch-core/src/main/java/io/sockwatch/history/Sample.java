package io.sockwatch.history;

/** One stored sample: the second it was taken and its exact value. */
record Sample(long epochSecond, double value) {}
