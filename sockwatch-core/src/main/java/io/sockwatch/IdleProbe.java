package io.sockwatch;

import io.sockwatch.model.probe.PathProblem;
import io.sockwatch.model.probe.ProbeListener;
import io.sockwatch.model.probe.ProbeReport;
import io.sockwatch.model.probe.ProbeSettings;
import io.sockwatch.probe.IdleProber;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Measures the idle timeout of the stateful firewalls and NATs on the path to a {@link EchoServer}
 * ({@code sockwatch probe-idle}): connections left idle for growing lengths, each then asked for an
 * echo, until the shortest idle that kills a connection is bracketed to the precision asked.
 */
public final class IdleProbe {

  private IdleProbe() {}

  /**
   * Runs the search to its end.
   *
   * @throws PathProblem when the path cannot be probed at all (refused, unreachable, not an echo
   *     peer), or the peer went away during the search
   */
  public static ProbeReport run(
      InetSocketAddress target, ProbeSettings settings, ProbeListener listener)
      throws PathProblem, InterruptedException, IOException {
    return new IdleProber(target, settings, listener).run();
  }
}
