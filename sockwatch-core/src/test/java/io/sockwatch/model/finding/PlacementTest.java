package io.sockwatch.model.finding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlacementTest {

  private static Finding finding(String key) {
    return new Finding(
        "close-wait",
        key,
        Severity.WARNING,
        "title",
        new Subject(List.of("java(12)"), "", "0.0.0.0:8080", ""),
        List.of(),
        Optional.empty(),
        "fix");
  }

  @Test
  void containersAreDistinctSortedAndCapped() {
    Placement p =
        new Placement(7, "web1", List.of("pod e", "pod a", "pod c", "pod a", "pod b", "pod d"));

    assertThat(p.containers()).containsExactly("pod a", "pod b", "pod c", "pod d");
    assertThat(Placement.MAX_CONTAINERS).isEqualTo(4);
  }

  @Test
  void describeNamesTheNamespaceThenTheContainers() {
    assertThat(new Placement(7, "web1", List.of("pod b", "pod a")).describe())
        .isEqualTo("netns web1, pod a, pod b");
    assertThat(new Placement(0, "", List.of("docker 3f2a")).describe()).isEqualTo("docker 3f2a");
    assertThat(new Placement(7, "host", List.of()).describe()).isEqualTo("netns host");
    assertThat(Placement.NONE.describe()).isEmpty();
  }

  @Test
  void onlyAnEmptyNamespaceAndNoContainerIsNone() {
    assertThat(Placement.NONE.isNone()).isTrue();
    assertThat(new Placement(0, "", List.of()).isNone()).isTrue();
    assertThat(new Placement(7, "host", List.of()).isNone()).isFalse();
    assertThat(new Placement(0, "", List.of("docker 3f2a")).isNone()).isFalse();
  }

  @Test
  void aSubjectSaysWhereOnlyWhenPlaced() {
    Subject s = new Subject(List.of("java(12)"), "10.0.0.7:443", "", "");

    assertThat(s.placement()).isEqualTo(Placement.NONE);
    assertThat(s.describe()).isEqualTo("java(12) -> 10.0.0.7:443");
    assertThat(s.withPlacement(new Placement(7, "web1", List.of("pod a"))).describe())
        .isEqualTo("java(12) -> 10.0.0.7:443 [netns web1, pod a]");
    assertThat(Subject.NODE.withPlacement(new Placement(0, "", List.of("pod a"))).describe())
        .isEqualTo("node [pod a]");
    assertThat(Subject.NODE.withPlacement(Placement.NONE).describe()).isEqualTo("node");
  }

  @Test
  void placingOutsideTheHostQualifiesTheKey() {
    Placement pod = new Placement(4026532100L, "net:[4026532100]", List.of("pod a"));

    Finding placed = finding("java(12)").placedIn(pod, false);

    assertThat(placed.key()).isEqualTo("java(12)@netns:4026532100");
    assertThat(placed.id()).isEqualTo("close-wait/java(12)@netns:4026532100");
    assertThat(placed.subject().placement()).isEqualTo(pod);
    assertThat(placed.subject().processes()).containsExactly("java(12)");
    assertThat(placed.severity()).isEqualTo(Severity.WARNING);
  }

  @Test
  void anEmptyKeyBecomesTheNamespaceAlone() {
    Finding placed = finding("").placedIn(new Placement(42, "blue", List.of()), false);

    assertThat(placed.key()).isEqualTo("netns:42");
    assertThat(placed.id()).isEqualTo("close-wait/netns:42");
  }

  @Test
  void theHostsAndNodeWideFindingsKeepTheirSingleNamespaceIdentity() {
    Placement host = new Placement(4026531840L, "host", List.of());

    assertThat(finding("java(12)").placedIn(host, true).id()).isEqualTo("close-wait/java(12)");
    assertThat(finding("java(12)").placedIn(new Placement(0, "", List.of()), false).id())
        .isEqualTo("close-wait/java(12)");
    assertThat(finding("").placedIn(host, true).id()).isEqualTo("close-wait");
    assertThat(finding("java(12)").placedIn(host, true).subject().placement()).isEqualTo(host);
  }
}
