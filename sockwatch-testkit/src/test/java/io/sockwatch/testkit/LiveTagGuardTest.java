package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Tags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every test class of this module named as a live test carries the {@code live} tag, so {@code
 * ./test --unit} leaves it out; and the guard itself reads names and tags as JUnit does.
 */
class LiveTagGuardTest {

  @Test
  void everyTestNamedLiveIsTaggedLive() {
    assertThat(LiveTags.untaggedLiveTests(LiveTagGuardTest.class))
        .as(
            "test classes named *LiveTest, *BrowserTest or *UnprivilegedTest without"
                + " @Tag(\"live\")")
        .isEmpty();
  }

  @Test
  void findsTopLevelClassesWithALiveNameOnly(@TempDir Path root) throws IOException {
    for (String file :
        new String[] {
          "a/b/FooLiveTest.class",
          "a/b/FooLiveTest$Inner.class",
          "a/DashboardBrowserTest.class",
          "a/ScanUnprivilegedTest.class",
          "a/FooTest.class",
          "a/LiveTestHelper.class",
          "a/FooLiveTest.java",
        }) {
      Files.createDirectories(root.resolve(file).getParent());
      Files.createFile(root.resolve(file));
    }
    assertThat(LiveTags.liveNamedClasses(root))
        .containsExactly("a.DashboardBrowserTest", "a.ScanUnprivilegedTest", "a.b.FooLiveTest");
  }

  @Test
  void readsOneTagSeveralTagsAndInheritedTags() {
    assertThat(LiveTags.tags(Untagged.class)).isEmpty();
    assertThat(LiveTags.tags(Live.class)).containsExactly("live");
    assertThat(LiveTags.tags(Several.class)).containsExactlyInAnyOrder("slow", "live");
    assertThat(LiveTags.tags(Inherits.class)).containsExactly("live");
  }

  private static class Untagged {}

  @Tag("live")
  private static class Live {}

  @Tags({@Tag("slow"), @Tag("live")})
  private static class Several {}

  private static class Inherits extends Live {}
}
