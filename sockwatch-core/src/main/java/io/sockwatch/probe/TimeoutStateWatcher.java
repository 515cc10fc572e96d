package io.sockwatch.probe;

import io.sockwatch.model.finding.MeasuredTimeouts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The state file as a long-running agent sees it: read again only when its modification time or
 * size changed, so {@code serve} picks up a new {@code probe-idle} result within a tick at the cost
 * of one {@code stat} per tick.
 */
public final class TimeoutStateWatcher implements Supplier<MeasuredTimeouts> {

  private static final MeasuredTimeouts EMPTY = MeasuredTimeouts.NONE;

  private final Path file;
  private Object stamp = new Object();
  private MeasuredTimeouts current = EMPTY;

  public TimeoutStateWatcher(Path file) {
    this.file = file;
  }

  @Override
  public synchronized MeasuredTimeouts get() {
    Object now;
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      now = new Stamp(a.lastModifiedTime(), a.size());
    } catch (IOException e) {
      now = null;
    }
    if (!Objects.equals(now, stamp)) {
      stamp = now;
      // A file that cannot be stat'ed is loaded anyway: load() says why it cannot be read.
      current = TimeoutStateFile.load(file);
    }
    return current;
  }

  private record Stamp(FileTime modified, long size) {}
}
