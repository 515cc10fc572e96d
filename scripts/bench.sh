#!/usr/bin/env bash
# Benchmarks (not tests). Builds sockwatch and the bench jar, creates a network namespace of its
# own so the socket table holds the benchmark's population and little else, and runs:
#   scripts/bench.sh            scan at 10k and 100k sockets, then attribution at 1M
#   scripts/bench.sh scan 10k,100k
#   scripts/bench.sh attribution 1m
#   scripts/bench.sh jmh [JMH args]   parser micro-benchmarks (JMH)
#   scripts/bench.sh netns [N] [SOCKETS]  namespace inventory and per-namespace reads of N
#       namespaces (default 50) of SOCKETS ESTABLISHED sockets each (default 1000), then the whole
#       --netns all scan (checked to read each exactly) and --netns host/self against the plain
#       read of the own namespace; runs in the host's namespace (that is what host-only means
#       there), the sockets held by a few worker JVMs
#   scripts/bench.sh agent [10k,100k] the running agent (sockwatch serve): CPU, scan cost, heap, RSS
#       per size at --cpu-budget 5% and 100%, each in a namespace and population of its own
#       (BENCH_WINDOW seconds measured, default 120: a full walk of /proc comes every 60-90 s;
#       after BENCH_WARMUP seconds, default 60: the JIT; BENCH_BUDGETS, default 5%,100%;
#       BENCH_AGENT_JAVA_OPTS reaches the agent JVM alone, e.g. to profile it; the launcher's own
#       flags come after it, so give the heap with SOCKWATCH_SERVE_HEAP, e.g. 2g at 1m)
#   scripts/bench.sh events       what the eBPF connection tracer costs: a loopback connect/close
#       loop at full speed, rounds with the tracer detached and attached alternating in one run
#       (BENCH_ROUNDS per side, default 5, of BENCH_SECONDS each, default 5; BENCH_CLIENTS client
#       threads, default 2), drained every second as serve does; prints conn/s, loss, ns and CPU
#       per connection, the tracer's map memory, lost events and its coverage of the loop's
#       connects. Exits 3 when the tracer cannot be attached (it needs root)
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
if [ "${1:-}" = "netns" ]; then
  # Its namespaces are deleted by TestNetns.close in a finally block and by shutdown hooks; the
  # socket holders it starts exit when their stdin (a pipe from it) closes.
  exec "${java[@]}" -jar "$jar" "$@"
fi
if [ "${1:-}" = "agent" ]; then
  # The benchmark makes a namespace per run (swt-agent-<its pid>-N) and stops what it started
  # there, also from shutdown hooks. Should it die regardless, the trap ends the processes left in
  # those namespaces (all of them started by this run) and deletes the namespaces.
  "${java[@]}" -Dbench.window="${BENCH_WINDOW:-120}" -Dbench.warmup="${BENCH_WARMUP:-60}" \
    -Dbench.budgets="${BENCH_BUDGETS:-5%,100%}" \
    -Dbench.agentJavaOptions="${BENCH_AGENT_JAVA_OPTS:-}" -jar "$jar" "$@" &
  bench=$!
  cleanup_agent() {
    kill "$bench" 2>/dev/null && for _ in $(seq 60); do kill -0 "$bench" 2>/dev/null || break; sleep 0.5; done
    for n in $(ip netns list | awk -v p="swt-agent-$bench-" 'index($1, p) == 1 {print $1}'); do
      for p in $(ip netns pids "$n"); do kill -9 "$p" 2>/dev/null || true; done
      ip netns del "$n" 2>/dev/null || true
    done
  }
  trap cleanup_agent EXIT
  trap 'exit 130' INT TERM
  wait "$bench"
  exit $?
fi
if [ "${1:-}" = "events" ] && [ "$(id -u)" != 0 ]; then
  echo "bench.sh events: needs root (it attaches the eBPF connection tracer and makes a network namespace)" >&2
  exit 3
fi
java+=(-Dbench.roundSeconds="${BENCH_SECONDS:-5}" -Dbench.clients="${BENCH_CLIENTS:-2}")
ns="swbench$$"
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip netns exec "$ns" ip link set lo up
# events: every local port for the loop's connects, whose TIME_WAIT (client side) tw_reuse recycles.
[ "${1:-}" = "events" ] && ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
run() { ip netns exec "$ns" "${java[@]}" -jar "$jar" "$@"; }
if [ $# -gt 0 ]; then
  run "$@"
else
  run scan 10k,100k
  run attribution 1m
fi
