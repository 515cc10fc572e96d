package io.sockwatch.analysis;

import io.sockwatch.analysis.PortSpace.TupleKey;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Headroom;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * TIME_WAIT accumulation: connection churn made visible. The side that closes first keeps the
 * 4-tuple in TIME_WAIT for 60 s, so {@code N} TIME_WAIT sockets mean about {@code N / 60}
 * connections opened and closed per second: a client that does not reuse connections (outbound,
 * grouped by destination) or a server that closes first (inbound, grouped by listening port). The
 * sockets cost little by themselves; they spend ephemeral ports (see {@link EphemeralPortDetector})
 * and the namespace's {@code tcp_max_tw_buckets}, past which the kernel skips TIME_WAIT and counts
 * {@code TCPTimeWaitOverflow}.
 *
 * <p>TIME_WAIT has no owning process; the churning process is named from the kernel's connection
 * events when they are traced (the processes that opened connections to the destination, even ones
 * that lived a millisecond), else through its open sockets to the same destination, or the
 * listener's owner for inbound churn.
 */
final class TimeWaitDetector implements Detector, Configurable {

  static final Threshold PER_DESTINATION =
      new Threshold(
          "time-wait.per-destination",
          1000,
          "",
          "Warn when this many TIME_WAIT sockets share one destination or one listening port.");
  static final Threshold NODE_FRACTION =
      new Threshold(
          "time-wait.node-fraction",
          0.75,
          "%",
          "Warn when TIME_WAIT sockets fill this much of net.ipv4.tcp_max_tw_buckets.");

  /** Openers listed one by one in the evidence; the subject names them all. */
  static final int LISTED_OPENERS = 16;

  /** Processes named in a title. */
  private static final int NAMED = 4;

  private static final String UNKNOWN_PROCESS =
      "closed connections of an unknown process (TIME_WAIT has no owner)";

  @Override
  public String id() {
    return "time-wait";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    TIME_WAIT_SOCKETS,
    CLOSES_PER_SECOND,
    NEW_TIME_WAIT_PER_SECOND,
    OPEN_CONNECTIONS,
    NAMESPACE_TIME_WAIT_SOCKETS,
    TCP_MAX_TW_BUCKETS,
    TIME_WAIT_OVERFLOWS,
    TIME_WAIT_REUSED,
    TIME_WAIT_GROWTH_PER_SECOND,
    OPENER_CONNECTS_PER_SECOND
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(PER_DESTINATION, NODE_FRACTION);
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    Snapshot now = input.after();
    BitSet listening = PortSpace.listeningPorts(now.sockets());
    Set<Long> fresh = PortSpace.ratesKnown(input) ? input.newCookies() : null;
    double interval = fresh == null ? 0 : input.intervalSeconds();

    // Pass 1: TIME_WAIT per destination (outbound) and per listening port (inbound).
    Map<TupleKey, Group> outbound = new HashMap<>();
    Group[] inbound = new Group[65536];
    TupleKey probe = new TupleKey();
    for (SocketRecord s : now.sockets()) {
      if (s.state() != TcpState.TIME_WAIT) {
        continue;
      }
      Group g;
      if (listening.get(s.localPort())) {
        g = inbound[s.localPort()];
        if (g == null) {
          g = new Group(null);
          inbound[s.localPort()] = g;
        }
      } else {
        probe.set(null, PortSpace.unmapped(s.remoteAddress()), s.remotePort());
        g = outbound.get(probe);
        if (g == null) {
          TupleKey key = probe.copy();
          g = new Group(key);
          outbound.put(key, g);
        }
      }
      g.timeWait++;
      if (fresh != null && fresh.contains(s.cookie())) {
        g.newTimeWait++;
      }
    }

    // Pass 2: open sockets and owners, only for the groups over the threshold.
    double limit = input.config().value(PER_DESTINATION);
    outbound.values().removeIf(g -> g.timeWait < limit);
    for (int p = 0; p < inbound.length; p++) {
      if (inbound[p] != null && inbound[p].timeWait < limit) {
        inbound[p] = null;
      }
    }
    for (SocketRecord s : now.sockets()) {
      if (s.state() == TcpState.TIME_WAIT) {
        continue;
      }
      if (listening.get(s.localPort())) {
        Group g = inbound[s.localPort()];
        if (g == null) {
          continue;
        }
        if (s.state() == TcpState.LISTEN) {
          g.owners.addAll(now.ownersOf(s));
          g.listeners.add(PortSpace.endpoint(PortSpace.unmapped(s.localAddress()), s.localPort()));
        } else {
          g.open++;
        }
      } else if (!outbound.isEmpty()) {
        Group g =
            outbound.get(probe.set(null, PortSpace.unmapped(s.remoteAddress()), s.remotePort()));
        if (g != null) {
          g.open++;
          g.owners.addAll(now.ownersOf(s));
        }
      }
    }

    List<Finding> findings = new ArrayList<>();
    FlowOpeners openers = outbound.isEmpty() ? null : FlowOpeners.of(input.activity());
    for (Group g : outbound.values()) {
      findings.add(outboundFinding(g, interval, openers));
    }
    for (int p = 0; p < inbound.length; p++) {
      if (inbound[p] != null) {
        findings.add(inboundFinding(inbound[p], p, interval));
      }
    }
    Finding node = nodeFinding(input);
    if (node != null) {
      findings.add(node);
    }
    return findings;
  }

  /** TIME_WAIT to one destination or on one listening port. */
  private static final class Group {
    final TupleKey key;
    int timeWait;
    int newTimeWait;
    int open;
    final Set<ProcessInfo> owners = new LinkedHashSet<>();
    final Set<String> listeners = new LinkedHashSet<>();

    Group(TupleKey key) {
      this.key = key;
    }

    /** TIME_WAIT / 60 s: the close rate averaged over the last minute. */
    double churn() {
      return timeWait / PortSpace.TIME_WAIT_SECONDS;
    }

    /**
     * The last minute's average close rate, and with two samples the current one: a churn that
     * started less than 60 s ago shows a higher rate now than its TIME_WAIT count implies.
     */
    String rates(double interval) {
      String average = rate(churn()) + " connections/s";
      return interval > 0 ? average + " (" + rate(newTimeWait / interval) + "/s now)" : average;
    }

    List<Evidence> evidence(double interval, String openName) {
      List<Evidence> e = new ArrayList<>();
      e.add(Evidence.of(Keys.TIME_WAIT_SOCKETS, "TIME_WAIT sockets", timeWait, ""));
      e.add(
          Evidence.of(
              Keys.CLOSES_PER_SECOND,
              "connections closed per second over the last 60 s",
              churn(),
              "/s"));
      if (interval > 0) {
        e.add(
            Evidence.of(
                Keys.NEW_TIME_WAIT_PER_SECOND,
                "new TIME_WAIT per second between samples",
                newTimeWait / interval,
                "/s"));
      }
      e.add(Evidence.of(Keys.OPEN_CONNECTIONS, openName, open, ""));
      return e;
    }
  }

  private Finding outboundFinding(Group g, double interval, FlowOpeners openers) {
    IpAddress remote = g.key.remote;
    String destination = PortSpace.endpoint(remote, g.key.port);
    // The kernel's events name the openers even of connections no scan saw open; the owners of the
    // connections open now may be someone else (a pooled client to the same service).
    List<FlowOpeners.Opener> opened = openers.openers(destination);
    List<String> who =
        opened.isEmpty()
            ? PortSpace.names(g.owners)
            : opened.stream().map(FlowOpeners.Opener::process).toList();
    List<Evidence> evidence = g.evidence(interval, "open connections to this destination");
    for (FlowOpeners.Opener o : opened.subList(0, Math.min(LISTED_OPENERS, opened.size()))) {
      evidence.add(
          Evidence.of(
                  Keys.OPENER_CONNECTS_PER_SECOND,
                  "new connections per second of " + o.process() + " (kernel events)",
                  o.connectsPerSecond(),
                  "/s")
              .withMember(o.process()));
    }
    String title =
        who.isEmpty()
            ? String.format(
                Locale.ROOT,
                "%d TIME_WAIT sockets to %s: %s, about %s",
                g.timeWait,
                destination,
                UNKNOWN_PROCESS,
                g.rates(interval))
            : String.format(
                Locale.ROOT,
                "%d TIME_WAIT sockets to %s: %s opens and closes about %s instead of"
                    + " reusing them",
                g.timeWait,
                destination,
                named(who),
                g.rates(interval));
    return new Finding(
        id(),
        "to " + destination,
        Severity.WARNING,
        title,
        new Subject(who, destination, "", ""),
        evidence,
        Optional.empty(),
        "Reuse connections to "
            + destination
            + ": HTTP keep-alive, a connection pool, one long-lived client instead of one per"
            + " request; poll or health-check less often (a probe every 100 ms leaves 600"
            + " TIME_WAIT). If many clients reconnect at the same moment (a thundering herd after"
            + " a restart, cron or synchronized retries), add jitter and backoff. TIME_WAIT"
            + " spends local ports: see ephemeral-ports.");
  }

  private Finding inboundFinding(Group g, int port, double interval) {
    String local = g.listeners.size() == 1 ? g.listeners.iterator().next() : "*:" + port;
    List<String> who = PortSpace.names(g.owners);
    String server =
        who.isEmpty() ? "an unknown server process" : "the server " + String.join(", ", who);
    return new Finding(
        id(),
        "on " + local,
        Severity.WARNING,
        String.format(
            Locale.ROOT,
            "%d TIME_WAIT sockets on %s: %s closes about %s before its clients do",
            g.timeWait,
            local,
            server,
            g.rates(interval)),
        new Subject(who, "", local, ""),
        g.evidence(interval, "open connections on this port"),
        Optional.empty(),
        "Let clients close first or keep their connections open: HTTP keep-alive (do not answer"
            + " with 'Connection: close'), longer idle timeouts on the server, client-side pools."
            + " If many clients reconnect at the same moment (a thundering herd after a restart"
            + " or synchronized retries), make them back off with jitter.");
  }

  /** The namespace's TIME_WAIT against tcp_max_tw_buckets, and overflows between the samples. */
  private Finding nodeFinding(DoctorInput input) {
    NodeStats n = input.node();
    OptionalLong tw = n.sockstat("TCP", "tw");
    OptionalLong max = n.tunables().maxTwBuckets();
    OptionalLong overflow = input.counterDelta("TcpExt", "TCPTimeWaitOverflow");
    boolean overflowed = overflow.isPresent() && overflow.getAsLong() > 0;
    double fill =
        tw.isPresent() && max.isPresent() && max.getAsLong() > 0
            ? (double) tw.getAsLong() / max.getAsLong()
            : -1;
    if (!overflowed && fill < input.config().value(NODE_FRACTION)) {
      return null;
    }
    List<Evidence> evidence = new ArrayList<>();
    tw.ifPresent(
        v ->
            evidence.add(
                Evidence.of(
                    Keys.NAMESPACE_TIME_WAIT_SOCKETS, "TIME_WAIT sockets (sockstat tw)", v, "")));
    max.ifPresent(
        v -> evidence.add(Evidence.of(Keys.TCP_MAX_TW_BUCKETS, "tcp_max_tw_buckets", v, "")));
    overflow.ifPresent(
        v ->
            evidence.add(
                Evidence.of(
                    Keys.TIME_WAIT_OVERFLOWS, "TCPTimeWaitOverflow between samples", v, "")));
    input
        .counterDelta("TcpExt", "TWRecycled")
        .ifPresent(
            v ->
                evidence.add(
                    Evidence.of(
                        Keys.TIME_WAIT_REUSED,
                        "TIME_WAIT reused by tcp_tw_reuse (TWRecycled)",
                        v,
                        "")));
    OptionalDouble growth = input.perSecond(input.sockstatDelta("TCP", "tw"));
    growth.ifPresent(
        v ->
            evidence.add(
                Evidence.of(
                    Keys.TIME_WAIT_GROWTH_PER_SECOND,
                    "TIME_WAIT growth between samples",
                    v,
                    "/s")));
    Optional<Headroom> headroom = Optional.empty();
    if (fill >= 0) {
      headroom =
          Optional.of(
              Headroom.growing(
                  "TIME_WAIT buckets",
                  tw.getAsLong(),
                  max.getAsLong(),
                  "sockets",
                  growth.orElse(Double.NaN)));
    }
    String title =
        overflowed
            ? String.format(
                Locale.ROOT,
                "The kernel skipped TIME_WAIT for %d closing connections in %.0f s:"
                    + " tcp_max_tw_buckets%s is full",
                overflow.getAsLong(),
                input.intervalSeconds(),
                max.isPresent() ? " (" + max.getAsLong() + ")" : "")
            : String.format(
                Locale.ROOT,
                "TIME_WAIT sockets fill %.0f%% of tcp_max_tw_buckets (%d of %d)",
                100 * fill,
                tw.getAsLong(),
                max.getAsLong());
    return new Finding(
        id(),
        "node",
        Severity.WARNING,
        title,
        Subject.NODE,
        evidence,
        headroom,
        "Find the churn in the per-destination time-wait findings and reuse those connections"
            + " (keep-alive, pools, longer polling intervals). Past the limit the kernel closes"
            + " without TIME_WAIT, so delayed segments of an old connection can corrupt a new one"
            + " on the same ports. Raising net.ipv4.tcp_max_tw_buckets costs ~250 bytes per"
            + " socket; TIME_WAIT's 60 s cannot be shortened (tcp_fin_timeout is FIN_WAIT2's).");
  }

  /** "a(1), b(2)", or the first few "and N more". */
  private static String named(List<String> who) {
    return who.size() <= NAMED
        ? String.join(", ", who)
        : String.join(", ", who.subList(0, NAMED)) + " and " + (who.size() - NAMED) + " more";
  }

  private static String rate(double perSecond) {
    return perSecond >= 10
        ? String.format(Locale.ROOT, "%.0f", perSecond)
        : String.format(Locale.ROOT, "%.1f", perSecond);
  }
}
