package io.sockwatch.k8s;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * Which Node the agent reports on: {@code NODE_NAME} (a DaemonSet sets it from the downward API,
 * {@code spec.nodeName}), else the host name, lower-cased as kubelet registers it by default.
 */
final class NodeName {

  private NodeName() {}

  static String resolve(Function<String, String> env, Path hostnameFile) {
    String fromEnv = env.apply("NODE_NAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    String host;
    try {
      host = Files.readString(hostnameFile).strip();
    } catch (IOException e) {
      host = "";
    }
    if (host.isEmpty()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        throw new IllegalStateException(
            "no node name: NODE_NAME is not set and the host has no name");
      }
    }
    return host.toLowerCase(Locale.ROOT);
  }
}
