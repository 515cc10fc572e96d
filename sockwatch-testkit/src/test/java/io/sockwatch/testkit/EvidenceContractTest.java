package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.testkit.EvidenceContract.Item;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvidenceContractTest {

  private static final Map<String, Map<String, EvidenceContract.Row>> DOC =
      EvidenceContract.parse(
          List.of(
              "# schema",
              "### `not-evidence`",
              "| `ignored` | | | before the section |",
              "## Evidence",
              "",
              "### `leak`",
              "",
              "| key | unit | member | meaning |",
              "| --- | --- | --- | --- |",
              "| `sockets` | | | count |",
              "| `age_seconds` | `s` | | age |",
              "| `current` | `sockets` `pages` | | now |",
              "| `peer_sockets` | `sockets` | peer | per peer |",
              "## Next",
              "### `other`",
              "| `x` | | | after the section |"));

  @Test
  void readsTheTablesOfTheEvidenceSectionOnly() {
    assertThat(DOC).containsOnlyKeys("leak");
    assertThat(DOC.get("leak").keySet())
        .containsExactly("sockets", "age_seconds", "current", "peer_sockets");
    assertThat(DOC.get("leak").get("current").units()).isEqualTo(Set.of("sockets", "pages"));
    assertThat(DOC.get("leak").get("sockets").units()).isEqualTo(Set.of(""));
    assertThat(DOC.get("leak").get("peer_sockets").member()).isEqualTo("peer");
  }

  @Test
  void acceptsEvidenceAsDocumented() {
    assertThatCode(
            () ->
                EvidenceContract.check(
                    DOC,
                    "leak/a",
                    "leak",
                    List.of(
                        new Item("sockets", "", ""),
                        new Item("current", "", "pages"),
                        new Item("peer_sockets", "10.0.0.1", "sockets"),
                        new Item("peer_sockets", "10.0.0.2", "sockets"))))
        .doesNotThrowAnyException();
  }

  @Test
  void namesEveryBreachOfTheContract() {
    assertThatThrownBy(
            () ->
                EvidenceContract.check(
                    DOC,
                    "leak/a",
                    "leak",
                    List.of(
                        new Item(null, "", ""),
                        new Item("Age", "", "s"),
                        new Item("unknown_key", "", ""),
                        new Item("age_seconds", "", "ms"),
                        new Item("sockets", "p", ""),
                        new Item("peer_sockets", "", "sockets"),
                        new Item("peer_sockets", "10.0.0.1", "sockets"),
                        new Item("peer_sockets", "10.0.0.1", "sockets"))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("evidence of leak/a")
        .hasMessageContaining("key null: does not match")
        .hasMessageContaining("key Age: does not match")
        .hasMessageContaining("key unknown_key: not listed for leak")
        .hasMessageContaining("key age_seconds: unit 'ms'")
        .hasMessageContaining("key sockets member p: a member, the doc lists none")
        .hasMessageContaining("key peer_sockets: no member, the doc says one per peer")
        .hasMessageContaining("key peer_sockets member 10.0.0.1: twice in the finding");
    assertThatThrownBy(() -> EvidenceContract.check(DOC, "x", "unknown", List.of()))
        .hasMessageContaining("detector unknown has no table");
  }

  @Test
  void theRepositorysDocParsesWithWellFormedKeys() {
    var doc = EvidenceContract.documented();
    assertThat(doc).isNotEmpty();
    doc.values()
        .forEach(t -> assertThat(t.keySet()).allMatch(EvidenceContract::wellFormed).isNotEmpty());
  }
}
