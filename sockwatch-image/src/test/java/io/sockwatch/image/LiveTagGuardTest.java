package io.sockwatch.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.LiveTags;
import org.junit.jupiter.api.Test;

/** Every test class of this module named as a live test carries the {@code live} tag. */
class LiveTagGuardTest {

  @Test
  void everyTestNamedLiveIsTaggedLive() {
    assertThat(LiveTags.untaggedLiveTests(LiveTagGuardTest.class))
        .as(
            "test classes named *LiveTest, *BrowserTest or *UnprivilegedTest without"
                + " @Tag(\"live\")")
        .isEmpty();
  }
}
