package io.sockwatch.process;

/** Whether advice to run as root would help when something under /proc is denied. */
public final class Privilege {
  private Privilege() {}

  /**
   * The JDK sets {@code user.name} from the real uid, which is what {@code setpriv --reuid} and
   * {@code sudo -u} change. Denied as root means a sandbox or security module hides it.
   */
  public static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
