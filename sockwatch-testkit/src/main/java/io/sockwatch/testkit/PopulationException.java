package io.sockwatch.testkit;

/**
 * Why a socket population could not be built or checked, in words a person running a test or a
 * benchmark can act on (which limit, which sysctl, which address). Unchecked because callers are
 * tests and benchmark harnesses that can only report it.
 */
public final class PopulationException extends RuntimeException {

  public PopulationException(String message) {
    super(message);
  }

  public PopulationException(String message, Throwable cause) {
    super(message, cause);
  }
}
