#!/usr/bin/env bash
# Produces the README's doctor sample: the three incidents sockwatch exists for, recreated in a
# network namespace of its own with the project's scenario programs (io.sockwatch.testkit.ScenarioMain):
#   1. pollers opening a fresh connection per probe, 100/s in all (TIME_WAIT piling up, the
#      ephemeral ports of a deliberately narrow ip_local_port_range running out),
#   2. an AMQP-style connection left idle without keepalive behind an assumed 20 s middlebox timeout,
#   3. a server that never closes what its clients closed (CLOSE_WAIT with unread data).
# Then runs `sockwatch doctor --netns self` inside the namespace (that namespace alone), with any
# extra arguments given (e.g. `-o json`). Needs root; cleans up on exit, even on failure.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/env.sh"
. "$here/scripts/scenarios.sh"
cd "$here"
mvn -q -B -DskipTests install -pl sockwatch-testkit,sockwatch-cli -am >&2
ns="swdoctor$$"
cleanup() {
  scenario_stop
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" sysctl -q -w net.ipv4.ip_local_port_range="40000 41999"
# The incident's peers talked across a network, where tcp_tw_reuse=2 (the default: loopback only)
# does not let TIME_WAIT ports be reused; on loopback, turn it off to match.
ip netns exec "$ns" sysctl -q -w net.ipv4.tcp_tw_reuse=0
scenario_start "$ns" server 127.0.0.1:8080
scenario_start "$ns" server 127.0.0.1:5672
scenario_start "$ns" server 127.0.0.1:9000 --leak
scenario_start "$ns" idle 127.0.0.1:5672
scenario_run "$ns" leak-clients 127.0.0.1:9000 200 65536 >/dev/null
scenario_start "$ns" herd 127.0.0.1:8080 100 40 4
echo "# scenario running; letting TIME_WAIT build up and the AMQP connection idle for 16 s" >&2
sleep 16
echo "\$ sockwatch doctor --netns self --middlebox-idle 20s --set idle-connections.min-idle=10s --set close-wait.min-age=10s $*"
set +e
ip netns exec "$ns" ./sockwatch doctor --netns self --middlebox-idle 20s --set idle-connections.min-idle=10s --set close-wait.min-age=10s "$@"
echo "(exit code $?)"
