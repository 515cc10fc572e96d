package io.sockwatch.process.cgroup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the {@code /proc/<pid>/cgroup} samples in {@code fixtures/}, one file per path shape. */
final class CgroupFixtures {

  /** Ids and UIDs the fixtures use (random, so no shape is mistaken for another). */
  static final String CONTAINERD_ID =
      "26b43d5fcb278e5ff6a713ee792298175c1f3e1347bae1cd5dda45ac1a5855ea";

  static final String CRIO_ID = "a7a54da1be6fcb8d76d74c6a9f6dd3fe52e7a3929a0e236c3b7207a912fa3e34";
  static final String DOCKERD_ID =
      "d611881593c12c1d2cdfd35674e66e80097ac38a1d1074e3e84d02f84688479a";
  static final String GUARANTEED_ID =
      "537c1cc121a6b1d4f02d7fd866d90d04ecc973cb52b87873d7a010bb30a240a3";
  static final String STATIC_POD_ID =
      "552896bd3dd09e322e8016bfd4be7430590762c7c706bfa4c8c8658307af78f4";
  static final String KIND_NODE_ID =
      "b5756c7f46e3dd3ad298900a8115872af49820f29ecac73bb6a5858ed36e9cd2";
  static final String KIND_POD_ID =
      "66a447b0f17c23a69b9c4bbb050e1f99040a77a036557ec014806b86dc2b3896";
  static final String V1_BURSTABLE_ID =
      "98437dceb373207a073f1a0d8288aaa9a6f041c06e73cb0d47c8c40d7e02c6d3";
  static final String V1_BESTEFFORT_ID =
      "9034fac27723c747e4bf4fa17c02b0c63ac079fac7fdb65bf08f0c3ecf619b24";
  static final String V2_GUARANTEED_ID =
      "a885de1d881e803b534788c770492dc2c77eb76c78fe5ba8bebec2d61944ee73";
  static final String DOCKER_V1_ID =
      "b9b4b71fd2f272e9077d167d2bab42a447115619e527a6dd4f67eecc6c42afbc";
  static final String DOCKER_V2_ID =
      "b0db724e7cb1a01d618f34710aa3b1ff27003568af41628948ea9f666a9b85b5";
  static final String PODMAN_ID =
      "3f5cdb1ce232cbcc30e5f5e0137a4b4a440590eaefdd140c3d79bc5f8cfa6632";
  static final String NERDCTL_ID =
      "9276bafc97d898d72f0ebc659b46ba76e65bf6b52f9f80ee41cff16bafd346cc";
  static final String UID1 = "8e0c140c-e93f-4620-9811-bb56d182ccfb";
  static final String UID2 = "09d43412-0f80-4e10-a304-6805fdb4bd6e";
  static final String UID3 = "f6c95dac-3226-46a2-b5f3-4e7edaa77c05";
  static final String UID4 = "d29a17d2-e465-4f3d-9cc5-90a6756fe11d";
  static final String UID5 = "ca41409e-2ca6-4405-a3fe-0069f769938e";
  static final String STATIC_UID = "30d7bb0fa5d63b37b5aebbcf0b06a847";

  private CgroupFixtures() {}

  /** The fixture's text, decoded as UTF-8 (invalid bytes become U+FFFD, as a reader would). */
  static String read(String name) {
    try (InputStream in = CgroupFixtures.class.getResourceAsStream("fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A UID as the kubelet's systemd driver writes it into a slice name. */
  static String escaped(String uid) {
    return uid.replace('-', '_');
  }

  static String shortId(String id) {
    return id.substring(0, 12);
  }
}
