#!/usr/bin/env bash
# Produces the README's sample output: a small socket population (the project's generator) in a
# network namespace of its own, then `sockwatch snapshot --netns NS` reading it from the host. Needs root. The namespace and
# the generator's processes are removed on exit, even on failure.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/env.sh"
cd "$here"
mvn -q -B -DskipTests install -pl sockwatch-testkit,sockwatch-cli -am >&2
ns="swdemo$$"
pop_pid=""
cleanup() {
  [ -n "$pop_pid" ] && kill "$pop_pid" 2>/dev/null && wait "$pop_pid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
fifo=$(mktemp -u)
mkfifo "$fifo"
ip netns exec "$ns" "$JAVA_HOME/bin/java" -cp sockwatch-testkit/target/classes io.sockwatch.testkit.PopulationMain \
  --established 300 --time-wait 120 --close-wait 40 --hold 120 --listen-base 127.42 >"$fifo" &
pop_pid=$!
read -r ready <"$fifo"
rm -f "$fifo"
echo "# population: $ready" | cut -c1-160 >&2
# From the host, naming the namespace (`ip netns exec` would work too, with --netns self).
run() {
  echo "\$ ./sockwatch $1 --netns $ns ${*:2}"
  ./sockwatch "$1" --netns "$ns" "${@:2}"
  echo
}
port=$(echo "$ready" | sed -n 's/.*"port":\([0-9]*\).*/\1/p')
set +o pipefail
run snapshot --state close-wait,listen | head -9
run snapshot --summary --top 3
run snapshot --state established --dst 127.42.1.1 --dport "$port" --info | head -6
