package io.sockwatch.testkit;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs a Java main class as user nobody (uid 65534) through {@code setpriv}, from a root test run:
 * how tests check that sockwatch still works, and says what it could not read, without privilege.
 * The build's class directories may sit where nobody cannot read them, so the classes are copied
 * into a world-readable work directory first.
 */
public final class Unprivileged {

  public static final int NOBODY = 65534;

  private Unprivileged() {}

  /** Null when this test run can switch to nobody, else the reason it cannot (for assumptions). */
  public static String whyNot() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root to switch to user nobody with setpriv";
    }
    if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
      return "needs setpriv (util-linux) to drop root";
    }
    Path javaHome = Path.of(System.getProperty("java.home"));
    if (!worldReadable(javaHome)) {
      return "the JDK at " + javaHome + " is not readable by nobody";
    }
    return null;
  }

  /**
   * Starts {@code mainClass} as nobody with the class directories of {@code roots} (each given by
   * one class it contains) on its class path; output and errors go to {@code workDir/output.txt}.
   */
  public static Process start(Path workDir, List<Class<?>> roots, String mainClass, String... args)
      throws IOException {
    Path classes = workDir.resolve("classes");
    List<String> classPath = new ArrayList<>(List.of(classes.toString()));
    for (Class<?> c : roots) {
      Path source = codeSource(c);
      if (Files.isDirectory(source)) {
        copyClasses(source, classes);
      } else { // a jar, e.g. a module built earlier and resolved from the local repository
        Path jar = workDir.resolve(source.getFileName());
        Files.copy(source, jar, StandardCopyOption.REPLACE_EXISTING);
        classPath.add(jar.toString());
      }
    }
    openUp(workDir);
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "/usr/bin/setpriv",
            "--reuid=" + NOBODY,
            "--regid=" + NOBODY,
            "--clear-groups",
            "--inh-caps=-all",
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:-UsePerfData",
            "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            String.join(":", classPath),
            mainClass));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(workDir.resolve("output.txt").toFile())
        .start();
  }

  private static Path codeSource(Class<?> c) throws IOException {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the classes of " + c.getName(), e);
    }
  }

  private static boolean worldReadable(Path p) {
    for (Path q = p; q != null; q = q.getParent()) {
      try {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(q));
        if (perms.charAt(6) != 'r' || perms.charAt(8) != 'x') {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /** Copies every .class under a class directory. */
  private static void copyClasses(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else if (f.toString().endsWith(".class")) {
          Files.createDirectories(target.getParent());
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** Makes the work tree readable by nobody (JUnit creates temp dirs mode 700). */
  private static void openUp(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.toList()) {
        Files.setPosixFilePermissions(
            f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
  }
}
