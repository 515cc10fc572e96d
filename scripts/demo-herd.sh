#!/usr/bin/env bash
# Produces the README's herd sample: the port-exhaustion incident recreated in a network namespace
# of its own: 20 probers on 127.0.0.10..29, each polling the other 19 on port 8558 every second
# with a fresh connection per probe (io.sockwatch.testkit.ScenarioMain prober). Then runs
# `sockwatch doctor --netns self` inside the namespace, with any extra arguments given (e.g.
# `-o json`). Needs root (the namespace, and the kernel's connection events); cleans up on exit,
# even on failure.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/env.sh"
. "$here/scripts/scenarios.sh"
cd "$here"
mvn -q -B -DskipTests package -pl sockwatch-testkit,sockwatch-cli -am >&2
ns="swherd$$"
keep=$(mktemp -u)
cleanup() {
  scenario_stop
  exec 9>&- 2>/dev/null || true
  rm -f "$keep"
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
# A prober runs while its stdin is open: one pipe, held by this script, feeds them all.
mkfifo "$keep"
exec 9<>"$keep"
n=20
for i in $(seq 0 $((n - 1))); do
  peers=()
  for j in $(seq 0 $((n - 1))); do
    [ "$i" != "$j" ] && peers+=("127.0.0.$((10 + j)):8558")
  done
  ready=$(mktemp -u)
  mkfifo "$ready"
  # stdin given on the background command itself (bash gives /dev/null otherwise)
  (exec ip netns exec "$ns" "${scenario_java[@]}" prober --listen "127.0.0.$((10 + i)):8558" \
    --bind "127.0.0.$((10 + i))" --interval-ms 1000 --start "${peers[@]}" <"$keep" >"$ready" \
    2>/dev/null) &
  scenario_pids+=($!)
  read -r _ <"$ready"
  rm -f "$ready"
done
echo "# $n probers polling each other every second; letting TIME_WAIT build up for 30 s" >&2
sleep 30
echo "\$ sockwatch doctor --netns self $*"
set +e
ip netns exec "$ns" ./sockwatch doctor --netns self "$@"
echo "(exit code $?)"
