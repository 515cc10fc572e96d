#!/usr/bin/env bash
# Formats all Java sources with google-java-format (fetched once from Maven Central into .tools/).
# The Spotless Maven plugin fails in-process on JDK 25, so the standalone jar is used instead.
# Usage: scripts/format.sh [--check]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/env.sh"
v=1.37.0
jar="$here/.tools/google-java-format-$v-all-deps.jar"
if [ ! -f "$jar" ]; then
  mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.9.0:copy \
    -Dartifact=com.google.googlejavaformat:google-java-format:$v:jar:all-deps -DoutputDirectory="$here/.tools" >&2
fi
cd "$here"
mapfile -t files < <(git ls-files '*.java'; git ls-files --others --exclude-standard '*.java')
if [ "${1:-}" = "--check" ]; then
  exec "$JAVA_HOME/bin/java" -jar "$jar" --dry-run --set-exit-if-changed "${files[@]}"
fi
exec "$JAVA_HOME/bin/java" -jar "$jar" --replace "${files[@]}"
