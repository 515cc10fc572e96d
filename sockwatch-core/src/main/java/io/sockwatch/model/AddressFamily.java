package io.sockwatch.model;

/** The two socket families sockwatch reads, with the kernel's {@code AF_*} numbers. */
public enum AddressFamily {
  INET(2),
  INET6(10);

  private final int code;

  AddressFamily(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
