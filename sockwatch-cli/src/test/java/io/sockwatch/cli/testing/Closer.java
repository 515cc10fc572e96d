package io.sockwatch.cli.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * What a live test opened (namespaces, child processes, agents), closed in reverse order from
 * {@code @AfterEach} even when the test failed half-way. Every resource is closed even if an
 * earlier one throws; the first failure is rethrown with the others suppressed.
 */
public final class Closer implements AutoCloseable {

  private final List<AutoCloseable> opened = new ArrayList<>();

  /** Remembers {@code c} for {@link #close()} and returns it. */
  public <T extends AutoCloseable> T keep(T c) {
    opened.add(c);
    return c;
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (AutoCloseable c : opened.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    opened.clear();
    if (first != null) {
      throw first;
    }
  }
}
