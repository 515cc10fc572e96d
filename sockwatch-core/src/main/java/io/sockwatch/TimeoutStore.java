package io.sockwatch;

import io.sockwatch.model.finding.MeasuredTimeout;
import io.sockwatch.model.finding.MeasuredTimeouts;
import io.sockwatch.probe.TimeoutStateFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The middlebox idle timeouts {@code probe-idle} measured, kept in a small text file per user
 * (newest per host) so that {@code doctor} and {@code serve} judge idle connections against them.
 */
public final class TimeoutStore {

  private TimeoutStore() {}

  /**
   * Where the file lives unless {@code --state-file} says otherwise: {@code $SOCKWATCH_STATE_DIR},
   * else {@code $XDG_STATE_HOME/sockwatch}, else {@code ~/.local/state/sockwatch}, else {@code
   * /var/lib/sockwatch}.
   */
  public static Path defaultPath(Map<String, String> env) {
    return TimeoutStateFile.defaultPath(env);
  }

  /** What the file holds; never throws: what could not be read is in the problems. */
  public static MeasuredTimeouts load(Path file) {
    return TimeoutStateFile.load(file);
  }

  /** Adds (or replaces) the measurement for {@code m}'s host, atomically. */
  public static void save(Path file, MeasuredTimeout m) throws IOException {
    TimeoutStateFile.save(file, m);
  }
}
