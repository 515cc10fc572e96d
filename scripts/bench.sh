#!/usr/bin/env bash
# Benchmarks (not tests). Builds sockwatch and the bench jar, creates a network namespace of its
# own so the socket table holds the benchmark's population and little else, and runs:
#   scripts/bench.sh            scan at 10k and 100k sockets, then attribution at 1M
#   scripts/bench.sh scan 10k,100k
#   scripts/bench.sh attribution 1m
#   scripts/bench.sh jmh [JMH args]   parser micro-benchmarks (JMH)
# Needs root (network namespace). Everything runs on loopback inside that namespace, which is
# deleted on exit, even on failure.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/env.sh"
cd "$here"
mvn -q -B -DskipTests package -pl sockwatch-cli,sockwatch-bench -am >&2
jar="$here/sockwatch-bench/target/sockwatch-bench.jar"
# The launcher must not rebuild in the middle of a timed run if a source changes meanwhile.
export SOCKWATCH_NO_BUILD=1
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dsockwatch.launcher="$here/sockwatch" -Dbench.rounds="${BENCH_ROUNDS:-5}")
if [ "${1:-}" = "jmh" ]; then
  shift
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$jar" org.openjdk.jmh.Main "${@:-io.sockwatch.bench.jmh}"
fi
# Every worker of the population holds up to (ulimit -n - 1000) descriptors.
ulimit -n 20000 2>/dev/null || true
ns="swbench$$"
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip netns exec "$ns" ip link set lo up
run() { ip netns exec "$ns" "${java[@]}" -jar "$jar" "$@"; }
if [ $# -gt 0 ]; then
  run "$@"
else
  run scan 10k,100k
  run attribution 1m
fi
