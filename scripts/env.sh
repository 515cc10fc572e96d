# Sourced by ./sockwatch, ./test, .ci/run and scripts/*: finds a JDK 25 and exports JAVA_HOME.
# The machine's default java is 17; sockwatch needs 25 (FFM for netlink, records, virtual threads).
sw_find_jdk25() {
  local c
  for c in "${SOCKWATCH_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* \
    /usr/lib/jvm/java-25-openjdk* /usr/lib/jvm/jdk-25*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] || continue
    # The JDK's release file answers without starting a JVM (that costs ~80 ms per CLI run).
    if grep -qE '^JAVA_VERSION="25([-."]|$)' "$c/release" 2>/dev/null ||
      { [ ! -f "$c/release" ] && "$c/bin/java" -version 2>&1 | grep -qE 'version "25([-."]|$)'; }; then
      echo "$c"
      return 0
    fi
  done
  return 1
}
if ! JAVA_HOME=$(sw_find_jdk25); then
  echo "sockwatch: no JDK 25 found (looked at \$SOCKWATCH_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm/temurin-25*, /usr/lib/jvm/java-25-openjdk*)." >&2
  echo "sockwatch: install Temurin 25 (e.g. apt-get install temurin-25-jdk from the Adoptium repository) or set SOCKWATCH_JAVA_HOME." >&2
  exit 3
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
