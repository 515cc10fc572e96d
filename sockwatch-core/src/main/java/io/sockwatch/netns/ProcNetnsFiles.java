package io.sockwatch.netns;

import io.sockwatch.process.ProcPids;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@link NetnsFiles} over {@code <root>/proc} and {@code <root>/run/netns}: the live system when
 * the root is {@code /}, a recorded tree in tests (where the ns links are plain symlinks to {@code
 * net:[N]} text and the named entries ordinary files).
 */
final class ProcNetnsFiles implements NetnsFiles {

  private final Path proc;
  private final Path runNetns;

  ProcNetnsFiles(Path root) {
    this.proc = root.resolve("proc");
    this.runNetns = root.resolve("run/netns");
  }

  @Override
  public int[] pids() throws IOException {
    int[] out = ProcPids.list(proc);
    Arrays.sort(out);
    return out;
  }

  @Override
  public String netLink(int pid) throws IOException {
    return Files.readSymbolicLink(netLinkPath(pid)).toString();
  }

  @Override
  public String comm(int pid) throws IOException {
    return Files.readString(proc.resolve(Integer.toString(pid)).resolve("comm")).strip();
  }

  @Override
  public String ownNetLink() throws IOException {
    return Files.readSymbolicLink(proc.resolve("self/ns/net")).toString();
  }

  @Override
  public Path netLinkPath(int pid) {
    return proc.resolve(Integer.toString(pid)).resolve("ns/net");
  }

  @Override
  public Path procNetDirectory(int pid) {
    return proc.resolve(Integer.toString(pid)).resolve("net");
  }

  @Override
  public List<String> names() throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(runNetns)) {
      for (Path entry : entries) {
        names.add(entry.getFileName().toString());
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (DirectoryIteratorException e) {
      throw e.getCause();
    }
    return names;
  }

  @Override
  public Path namedPath(String name) {
    return runNetns.resolve(name);
  }

  @Override
  public long[] statNamed(String name) throws IOException {
    Map<String, Object> a = Files.readAttributes(namedPath(name), "unix:ino,dev");
    return new long[] {(Long) a.get("ino"), (Long) a.get("dev")};
  }

  @Override
  public OptionalLong nsfsDevice() {
    try {
      return OptionalLong.of((Long) Files.getAttribute(proc.resolve("self/ns/net"), "unix:dev"));
    } catch (IOException | UnsupportedOperationException e) {
      return OptionalLong.empty();
    }
  }
}
