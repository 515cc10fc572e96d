# Sourced by the demo scripts: runs the project's scenario programs
# (io.sockwatch.testkit.ScenarioMain) inside a network namespace and ends them, by pid, when the
# demo calls scenario_stop. Needs JAVA_HOME (scripts/env.sh) and the testkit built.
scenario_java=("$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx64m -Djava.net.preferIPv4Stack=true
  -cp sockwatch-testkit/target/classes io.sockwatch.testkit.ScenarioMain)
scenario_pids=()

# scenario_start NS ARGS...: start a scenario in NS in the background; returns after its READY line.
scenario_start() {
  local ns=$1 fifo
  shift
  fifo=$(mktemp -u)
  mkfifo "$fifo"
  # exec: the recorded pid is the JVM itself (ip netns exec execs it), so scenario_stop ends it.
  (exec ip netns exec "$ns" "${scenario_java[@]}" "$@") >"$fifo" &
  scenario_pids+=($!)
  read -r _ <"$fifo"
  rm -f "$fifo"
}

# scenario_run NS ARGS...: run a scenario in NS in the foreground.
scenario_run() {
  local ns=$1
  shift
  ip netns exec "$ns" "${scenario_java[@]}" "$@"
}

# scenario_stop: end every process in scenario_pids (scenarios, and whatever the demo added).
scenario_stop() {
  for p in "${scenario_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
