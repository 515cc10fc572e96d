package io.sockwatch.k8s;

import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Headroom;
import io.sockwatch.model.finding.NodeCondition;
import io.sockwatch.model.watch.TrackedFinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * From the agent's open findings to what each of the four condition types should say: {@code True}
 * when {@link NodeCondition#select} picks at least one open finding, with a reason and a message in
 * plain words (what, who, headroom, fix, from the most severe of those findings). Pure.
 */
final class ConditionPlanner {

  private final int maxMessageBytes;

  ConditionPlanner(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /** The four conditions, in {@link NodeCondition} order, for these open findings. */
  List<DesiredCondition> plan(List<TrackedFinding> open) {
    List<Finding> findings = open.stream().map(TrackedFinding::finding).toList();
    List<DesiredCondition> out = new ArrayList<>();
    for (NodeCondition c : NodeCondition.values()) {
      List<Finding> setting = c.select(findings);
      List<String> ids = setting.stream().map(Finding::id).sorted().toList();
      boolean active = !setting.isEmpty();
      String message = active ? activeMessage(setting) : quietMessage(c);
      out.add(new DesiredCondition(c, active, reason(c, active), message, ids));
    }
    return out;
  }

  /**
   * The reason of a condition: one CamelCase word per type and status, stable (automation may match
   * on it), listed in docs/kubernetes.md.
   */
  static String reason(NodeCondition c, boolean active) {
    return c.reason(active);
  }

  /**
   * {@code SEVERITY: title. Who: subject. Headroom: use of limit. Also: N more (ids). Fix: what to
   * change. Docs: page.} The findings come most severe first (as the agent orders them), so the
   * first is the one to act on; the others are named by id only, so the fix still fits.
   */
  private String activeMessage(List<Finding> setting) {
    Finding f = setting.getFirst();
    StringBuilder sb = new StringBuilder();
    sb.append(f.severity()).append(": ").append(sentence(f.title()));
    sb.append(" Who: ").append(sentence(f.subject().describe()));
    f.headroom().ifPresent(h -> sb.append(" Headroom: ").append(headroom(h)).append('.'));
    if (setting.size() > 1) {
      List<String> others = setting.subList(1, setting.size()).stream().map(Finding::id).toList();
      String also =
          others.size()
              + " more ("
              + others.stream().limit(5).collect(Collectors.joining(", "))
              + (others.size() > 5 ? ", …" : "")
              + ")";
      sb.append(" Also: ").append(Text.bound(also, 240)).append('.');
    }
    sb.append(" Fix: ").append(sentence(f.remediation()));
    sb.append(" Docs: ").append(f.docPath()).append('.');
    return Text.bound(sb.toString(), maxMessageBytes);
  }

  private String quietMessage(NodeCondition c) {
    String rules =
        c.rules().stream()
            .map(r -> r.detector() + " at " + r.atLeast() + (r.atLeast().ordinal() == 0 ? "" : "+"))
            .collect(Collectors.joining(", "));
    return Text.bound(
        "No open finding shows " + c.meaning() + " (set by findings of " + rules + ").",
        maxMessageBytes);
  }

  /** "file descriptors of java(12): 208 of 20000 descriptors used (1%), limit in ~5 min". */
  static String headroom(Headroom h) {
    StringBuilder sb = new StringBuilder();
    sb.append(h.resource())
        .append(": ")
        .append(number(h.used()))
        .append(" of ")
        .append(number(h.limit()))
        .append(h.unit().isEmpty() ? "" : " " + h.unit())
        .append(" used (")
        .append(Math.round(h.fraction() * 100))
        .append("%)");
    h.secondsToLimit()
        .ifPresent(
            s ->
                sb.append(
                    s <= 0
                        ? ", limit reached"
                        : ", limit in ~" + HumanTime.seconds(s) + " at this rate"));
    return sb.toString();
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String sentence(String s) {
    String t = s.strip();
    return t.isEmpty() || t.endsWith(".") ? t : t + ".";
  }
}
