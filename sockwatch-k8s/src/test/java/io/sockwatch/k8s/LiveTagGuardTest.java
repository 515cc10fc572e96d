package io.sockwatch.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.LiveTags;
import org.junit.jupiter.api.Test;

/**
 * Every test class of this module named as a live test carries the {@code live} tag. (The {@code
 * *MockTest} classes carry it too, by hand: fabric8's mock API server listens on a socket.)
 */
class LiveTagGuardTest {

  @Test
  void everyTestNamedLiveIsTaggedLive() {
    assertThat(LiveTags.untaggedLiveTests(LiveTagGuardTest.class)).isEmpty();
  }
}
