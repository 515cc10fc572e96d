package io.sockwatch.analysis;

import io.sockwatch.model.Unavailable;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the detectors over a {@link NodeScan}. Per-namespace detectors judge each namespace on its
 * own table and counters (a port range, a TIME_WAIT limit, {@code 127.0.0.1:8080} all belong to one
 * namespace) and their findings are placed there; node-wide detectors ({@link Detector#nodeWide()})
 * run once over every socket with the node's counters. A scan of a single namespace without
 * enumeration runs exactly as {@link DetectorRun} does.
 */
public final class NamespaceDoctor {

  private final DetectorRun all;
  private final DetectorRun perNamespace;
  private final DetectorRun nodeWide;
  private final int detectorCount;

  public NamespaceDoctor(List<Detector> detectors) {
    this.all = new DetectorRun(detectors);
    this.perNamespace = new DetectorRun(detectors.stream().filter(d -> !d.nodeWide()).toList());
    this.nodeWide = new DetectorRun(detectors.stream().filter(Detector::nodeWide).toList());
    this.detectorCount = detectors.size();
  }

  /**
   * The node's connection events split over the namespaces ({@link ActivityClaims}), so that a flow
   * counts in one namespace's findings only; all empty when the scan has no events.
   */
  private static List<Optional<ConnectionActivity>> shares(NodeScan scan) {
    int n = scan.namespaces().size();
    if (scan.activity().isEmpty()) {
      return java.util.Collections.nCopies(n, Optional.empty());
    }
    return ActivityClaims.split(scan.namespaces(), scan.activity().get()).stream()
        .map(Optional::of)
        .toList();
  }

  /**
   * @param before the earlier scan, if any; namespaces absent from it are judged on one sample
   * @param after the current scan
   * @param intervalSeconds seconds between the scans
   */
  public DoctorReport examine(
      Optional<NodeScan> before, NodeScan after, double intervalSeconds, DoctorConfig config) {
    if (!after.perNamespace()) {
      return all.examine(
          new DoctorInput(
                  before.map(NodeScan::merged),
                  after.merged(),
                  before.isPresent() ? intervalSeconds : 0,
                  config)
              .withActivity(after.activity()));
    }
    FindingPlacer placer = new FindingPlacer(after);
    List<Finding> findings = new ArrayList<>();
    Set<Unavailable> unavailable = new LinkedHashSet<>(after.unavailable());
    List<Optional<ConnectionActivity>> shares = shares(after);
    for (int i = 0; i < after.namespaces().size(); i++) {
      NamespaceSnapshot ns = after.namespaces().get(i);
      Optional<Snapshot> earlier =
          before.flatMap(b -> b.namespace(ns.namespace().inode())).map(NamespaceSnapshot::snapshot);
      DoctorReport r =
          perNamespace.examine(
              new DoctorInput(
                      earlier, ns.snapshot(), earlier.isPresent() ? intervalSeconds : 0, config)
                  .withActivity(shares.get(i)));
      unavailable.addAll(r.unavailable());
      for (Finding f : r.findings()) {
        findings.add(placer.inNamespace(ns, f));
      }
    }
    Optional<Snapshot> mergedBefore = before.map(NodeScan::merged);
    DoctorReport node =
        nodeWide.examine(
            new DoctorInput(
                    mergedBefore,
                    after.merged(),
                    mergedBefore.isPresent() ? intervalSeconds : 0,
                    config)
                .withActivity(after.activity()));
    unavailable.addAll(node.unavailable());
    for (Finding f : node.findings()) {
      findings.add(placer.onNode(f));
    }
    findings = new ArrayList<>(HerdFolding.fold(findings));
    findings.sort(
        Comparator.comparing(Finding::severity)
            .thenComparing(Finding::detector)
            .thenComparing(Finding::key));
    return new DoctorReport(
        findings, List.copyOf(unavailable), after.merged().sockets().size(), detectorCount);
  }
}
