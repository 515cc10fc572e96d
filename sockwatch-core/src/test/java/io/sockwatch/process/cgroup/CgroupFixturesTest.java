package io.sockwatch.process.cgroup;

import static io.sockwatch.model.ContainerRuntime.CONTAINERD;
import static io.sockwatch.model.ContainerRuntime.CRIO;
import static io.sockwatch.model.ContainerRuntime.DOCKER;
import static io.sockwatch.model.ContainerRuntime.PODMAN;
import static io.sockwatch.model.ContainerRuntime.SYSTEMD;
import static io.sockwatch.model.ContainerRuntime.UNKNOWN;
import static io.sockwatch.model.QosClass.BEST_EFFORT;
import static io.sockwatch.model.QosClass.BURSTABLE;
import static io.sockwatch.model.QosClass.GUARANTEED;
import static io.sockwatch.model.QosClass.NONE;
import static io.sockwatch.process.cgroup.CgroupFixtures.CONTAINERD_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.CRIO_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.DOCKERD_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.DOCKER_V1_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.DOCKER_V2_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.GUARANTEED_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.KIND_NODE_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.KIND_POD_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.NERDCTL_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.PODMAN_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.STATIC_POD_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.STATIC_UID;
import static io.sockwatch.process.cgroup.CgroupFixtures.UID1;
import static io.sockwatch.process.cgroup.CgroupFixtures.UID2;
import static io.sockwatch.process.cgroup.CgroupFixtures.UID3;
import static io.sockwatch.process.cgroup.CgroupFixtures.UID4;
import static io.sockwatch.process.cgroup.CgroupFixtures.UID5;
import static io.sockwatch.process.cgroup.CgroupFixtures.V1_BESTEFFORT_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.V1_BURSTABLE_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.V2_GUARANTEED_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.escaped;
import static io.sockwatch.process.cgroup.CgroupFixtures.read;
import static io.sockwatch.process.cgroup.CgroupFixtures.shortId;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.ContainerIdentity;
import io.sockwatch.model.ContainerRuntime;
import io.sockwatch.model.QosClass;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every path shape in {@code fixtures/} (full file contents as each runtime and cgroup version
 * leaves them) gives the identity that runtime meant: runtime, container id, pod UID, QoS, unit,
 * the raw path of the line that told it, and the label.
 */
class CgroupFixturesTest {

  record Shape(
      String fixture,
      ContainerRuntime runtime,
      String containerId,
      String podUid,
      QosClass qos,
      String unit,
      String path,
      String label) {

    @Override
    public String toString() {
      return fixture;
    }
  }

  static Stream<Shape> shapes() {
    String burstableSlice = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod";
    return Stream.of(
        pod(
            "v2-kubepods-systemd-burstable-containerd.txt",
            CONTAINERD,
            CONTAINERD_ID,
            UID1,
            BURSTABLE,
            burstableSlice + escaped(UID1) + ".slice/cri-containerd-" + CONTAINERD_ID + ".scope"),
        pod(
            "v2-kubepods-systemd-burstable-crio.txt",
            CRIO,
            CRIO_ID,
            UID2,
            BURSTABLE,
            burstableSlice + escaped(UID2) + ".slice/crio-" + CRIO_ID + ".scope"),
        pod(
            "v2-kubepods-systemd-besteffort-docker.txt",
            DOCKER,
            DOCKERD_ID,
            UID3,
            BEST_EFFORT,
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + escaped(UID3)
                + ".slice/docker-"
                + DOCKERD_ID
                + ".scope"),
        pod(
            "v2-kubepods-systemd-guaranteed-containerd.txt",
            CONTAINERD,
            GUARANTEED_ID,
            UID4,
            GUARANTEED,
            "/kubepods.slice/kubepods-pod"
                + escaped(UID4)
                + ".slice/cri-containerd-"
                + GUARANTEED_ID
                + ".scope"),
        pod(
            "v2-kubepods-systemd-static-pod.txt",
            CONTAINERD,
            STATIC_POD_ID,
            STATIC_UID,
            BURSTABLE,
            burstableSlice + STATIC_UID + ".slice/cri-containerd-" + STATIC_POD_ID + ".scope"),
        pod(
            "v2-kind-node-in-docker.txt",
            CONTAINERD,
            KIND_POD_ID,
            UID5,
            BEST_EFFORT,
            "/system.slice/docker-"
                + KIND_NODE_ID
                + ".scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice"
                + "/kubelet-kubepods-besteffort-pod"
                + escaped(UID5)
                + ".slice/cri-containerd-"
                + KIND_POD_ID
                + ".scope"),
        pod(
            "v1-kubepods-cgroupfs-burstable.txt",
            UNKNOWN,
            V1_BURSTABLE_ID,
            UID1,
            BURSTABLE,
            "/kubepods/burstable/pod" + UID1 + "/" + V1_BURSTABLE_ID),
        pod(
            "v1-kubepods-cgroupfs-besteffort.txt",
            UNKNOWN,
            V1_BESTEFFORT_ID,
            UID2,
            BEST_EFFORT,
            "/kubepods/besteffort/pod" + UID2 + "/" + V1_BESTEFFORT_ID),
        pod(
            "v2-kubepods-cgroupfs-guaranteed.txt",
            UNKNOWN,
            V2_GUARANTEED_ID,
            UID3,
            GUARANTEED,
            "/kubepods/pod" + UID3 + "/" + V2_GUARANTEED_ID),
        pod(
            "v2-kubepods-cgroupfs-crio.txt",
            CRIO,
            CRIO_ID,
            UID4,
            BURSTABLE,
            "/kubepods/burstable/pod" + UID4 + "/crio-" + CRIO_ID),
        pod(
            "v1-kubepods-systemd-burstable-docker.txt",
            DOCKER,
            DOCKERD_ID,
            UID5,
            BURSTABLE,
            burstableSlice + escaped(UID5) + ".slice/docker-" + DOCKERD_ID + ".scope"),
        container("v1-docker-cgroupfs.txt", DOCKER, DOCKER_V1_ID, "/docker/" + DOCKER_V1_ID),
        container("v2-docker-cgroupfs.txt", DOCKER, DOCKER_V2_ID, "/docker/" + DOCKER_V2_ID),
        container(
            "v2-docker-systemd.txt",
            DOCKER,
            DOCKER_V2_ID,
            "/system.slice/docker-" + DOCKER_V2_ID + ".scope"),
        container(
            "v1-docker-systemd.txt",
            DOCKER,
            DOCKER_V1_ID,
            "/system.slice/docker-" + DOCKER_V1_ID + ".scope"),
        container(
            "v2-podman.txt",
            PODMAN,
            PODMAN_ID,
            "/machine.slice/libpod-" + PODMAN_ID + ".scope/container"),
        container(
            "v2-podman-scope.txt",
            PODMAN,
            PODMAN_ID,
            "/machine.slice/libpod-" + PODMAN_ID + ".scope"),
        container(
            "v2-podman-rootless.txt",
            PODMAN,
            PODMAN_ID,
            "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-"
                + PODMAN_ID
                + ".scope/container"),
        container("v2-nerdctl.txt", CONTAINERD, NERDCTL_ID, "/default/" + NERDCTL_ID),
        unit("v2-systemd-service.txt", "nginx.service", "/system.slice/nginx.service"),
        unit("v1-systemd-service.txt", "nginx.service", "/system.slice/nginx.service"),
        unit(
            "v2-user-session.txt",
            "session-3.scope",
            "/user.slice/user-1000.slice/session-3.scope"),
        unit("v2-init-scope.txt", "init.scope", "/init.scope"),
        unit("v2-outside-cgroupns.txt", "nginx.service", "/../../system.slice/nginx.service"),
        unit("v2-deleted.txt", "nginx.service", "/system.slice/nginx.service"),
        unknown("v2-root.txt", "/", "/"),
        unknown("v1-private-cgroupns.txt", "/", "/"),
        unknown(
            "v1-unknown-sandbox.txt",
            "/process_api/28622e7ea226038a1d7e5f12ca0ee24b",
            "/process_api/28622e7ea226038a1d7e5f12ca0ee24b"));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void eachShapeGivesItsIdentity(Shape shape) {
    CgroupFile file = CgroupFile.parse(read(shape.fixture()));
    ContainerIdentity id = file.identity();

    assertThat(file.skippedLines()).isZero();
    assertThat(file.lines()).isNotEmpty();
    assertThat(id.runtime()).isEqualTo(shape.runtime());
    assertThat(id.containerId()).isEqualTo(shape.containerId());
    assertThat(id.shortId())
        .isEqualTo(shape.containerId().isEmpty() ? "" : shortId(shape.containerId()));
    assertThat(id.podUid()).isEqualTo(shape.podUid());
    assertThat(id.qos()).isEqualTo(shape.qos());
    assertThat(id.systemdUnit()).isEqualTo(shape.unit());
    assertThat(id.path()).isEqualTo(shape.path());
    assertThat(file.lines()).anyMatch(line -> line.path().equals(shape.path()));
    assertThat(id.label()).isEqualTo(shape.label());
  }

  private static Shape pod(
      String fixture,
      ContainerRuntime runtime,
      String containerId,
      String podUid,
      QosClass qos,
      String path) {
    String label = "pod " + podUid + " container " + shortId(containerId);
    return new Shape(fixture, runtime, containerId, podUid, qos, "", path, label);
  }

  private static Shape container(
      String fixture, ContainerRuntime runtime, String containerId, String path) {
    String label = runtime.label() + " " + shortId(containerId);
    return new Shape(fixture, runtime, containerId, "", NONE, "", path, label);
  }

  private static Shape unit(String fixture, String unit, String path) {
    return new Shape(fixture, SYSTEMD, "", "", NONE, unit, path, unit);
  }

  private static Shape unknown(String fixture, String path, String label) {
    return new Shape(fixture, UNKNOWN, "", "", NONE, "", path, label);
  }
}
