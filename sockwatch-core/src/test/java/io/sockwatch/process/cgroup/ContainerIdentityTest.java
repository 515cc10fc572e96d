package io.sockwatch.process.cgroup;

import static io.sockwatch.process.cgroup.CgroupFixtures.CONTAINERD_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.DOCKER_V1_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.DOCKER_V2_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.PODMAN_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.UID1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.model.ContainerIdentity;
import io.sockwatch.model.ContainerRuntime;
import io.sockwatch.model.QosClass;
import org.junit.jupiter.api.Test;

/** Path rules beyond the fixture shapes, the label, and the record's invariants. */
class ContainerIdentityTest {

  @Test
  void theDeepestContainerWinsInDockerInDocker() {
    ContainerIdentity id =
        CgroupPaths.classify("/docker/" + DOCKER_V1_ID + "/docker/" + DOCKER_V2_ID);

    assertThat(id.runtime()).isEqualTo(ContainerRuntime.DOCKER);
    assertThat(id.containerId()).isEqualTo(DOCKER_V2_ID);
  }

  @Test
  void aContainerAboveThePodIsTheNodeNotThePodsContainer() {
    // A kind node (a Docker container) running a pod process outside any container directory.
    ContainerIdentity id =
        CgroupPaths.classify("/docker/" + DOCKER_V1_ID + "/kubepods/burstable/pod" + UID1);

    assertThat(id.podUid()).isEqualTo(UID1);
    assertThat(id.containerId()).isEmpty();
    assertThat(id.runtime()).isEqualTo(ContainerRuntime.UNKNOWN);
  }

  @Test
  void aBareIdIsAContainerOnlyWhereARuntimePutsBareIds() {
    assertThat(CgroupPaths.classify("/system.slice/" + CONTAINERD_ID).isContainer()).isFalse();
    assertThat(CgroupPaths.classify("/kubepods/" + CONTAINERD_ID).isContainer()).isFalse();
    assertThat(CgroupPaths.classify("/../" + CONTAINERD_ID).isContainer()).isFalse();
    assertThat(CgroupPaths.classify("/buildkit/" + CONTAINERD_ID).runtime())
        .isEqualTo(ContainerRuntime.CONTAINERD);
  }

  @Test
  void aPodDirectoryOutsideKubepodsIsNoPod() {
    assertThat(CgroupPaths.classify("/pod" + UID1).podUid()).isEmpty();
    assertThat(CgroupPaths.classify("/other/burstable/pod" + UID1).podUid()).isEmpty();
    assertThat(CgroupPaths.classify("/kubepods/gold/pod" + UID1).podUid()).isEmpty();
  }

  @Test
  void aSystemdSliceWithDashesInsteadOfUnderscoresIsNoPod() {
    // The kubelet always escapes; dashes there would be systemd nesting, not a UID.
    assertThat(CgroupPaths.classify("/kubepods.slice/kubepods-pod" + UID1 + ".slice").podUid())
        .isEmpty();
  }

  @Test
  void runtimeServicesAreServicesButConmonScopesAreNot() {
    assertThat(CgroupPaths.classify("/system.slice/docker.service").systemdUnit())
        .isEqualTo("docker.service");
    ContainerIdentity conmon =
        CgroupPaths.classify("/machine.slice/libpod-conmon-" + PODMAN_ID + ".scope");
    assertThat(conmon.runtime()).isEqualTo(ContainerRuntime.UNKNOWN);
    assertThat(conmon.systemdUnit()).isEmpty();
  }

  @Test
  void theDeepestUnitNamesAUserService() {
    ContainerIdentity id =
        CgroupPaths.classify(
            "/user.slice/user-1000.slice/user@1000.service/app.slice/pipewire.service");

    assertThat(id.systemdUnit()).isEqualTo("pipewire.service");
    assertThat(id.label()).isEqualTo("pipewire.service");
  }

  @Test
  void labelsAreBoundedPrintableAndKeepThePathsEnd() {
    String path = "/" + "a".repeat(100) + "/tail\u0001end";
    String label = CgroupPaths.classify(path).label();

    assertThat(label).hasSize(ContainerIdentity.MAX_LABEL_CHARS);
    assertThat(label).startsWith("...").endsWith("/tail?end");
    assertThat(CgroupPaths.classify("/").label()).isEqualTo("/");
    String longUnit = "u".repeat(200) + ".service";
    assertThat(CgroupPaths.classify("/system.slice/" + longUnit).label())
        .hasSize(ContainerIdentity.MAX_LABEL_CHARS)
        .endsWith("uu.service");
  }

  @Test
  void aPodLabelFitsTheBound() {
    String label =
        new ContainerIdentity(
                ContainerRuntime.CONTAINERD, CONTAINERD_ID, UID1, QosClass.BURSTABLE, "", "/")
            .label();

    assertThat(label).isEqualTo("pod " + UID1 + " container 26b43d5fcb27");
    assertThat(label.length()).isLessThanOrEqualTo(ContainerIdentity.MAX_LABEL_CHARS);
  }

  @Test
  void aContainerWithoutANamedRuntimeIsLabelledContainer() {
    ContainerIdentity id =
        new ContainerIdentity(ContainerRuntime.UNKNOWN, CONTAINERD_ID, "", QosClass.NONE, "", "/");

    assertThat(id.label()).isEqualTo("container 26b43d5fcb27");
  }

  @Test
  void clippingNeverSplitsASurrogatePair() {
    String path = "/" + "a".repeat(ContainerIdentity.MAX_PATH_CHARS - 2) + "\uD83D\uDE00tail";
    String kept = ContainerIdentity.unknown(path).path();

    assertThat(kept).hasSize(ContainerIdentity.MAX_PATH_CHARS - 1);
    assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
  }

  @Test
  void theRecordRejectsIdsNotInTheirCanonicalForm() {
    assertThatThrownBy(
            () ->
                new ContainerIdentity(
                    ContainerRuntime.DOCKER,
                    CONTAINERD_ID.toUpperCase(),
                    "",
                    QosClass.NONE,
                    "",
                    "/"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new ContainerIdentity(
                    ContainerRuntime.DOCKER, "", UID1.replace('-', '_'), QosClass.NONE, "", "/"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPathLongerThanPathMaxIsNotClassified() {
    String path = "/docker/" + DOCKER_V1_ID + "/" + "x".repeat(CgroupLine.MAX_PATH);
    ContainerIdentity id = CgroupPaths.classify(path);

    assertThat(id.runtime()).isEqualTo(ContainerRuntime.UNKNOWN);
    assertThat(id.path()).hasSize(ContainerIdentity.MAX_PATH_CHARS);
  }
}
