#!/usr/bin/env bash
# Produces the README's serve sample: in a network namespace of its own, `sockwatch serve --netns self` watches
# pollers opening a fresh connection per probe to a health endpoint that takes 100 ms to answer (20/s
# in all, the thundering herd of incident 1) and
# a server that never closes what its clients closed (CLOSE_WAIT growing by about 10/s, incident 3).
# Prints what the agent's API says after DURATION seconds (default 45). Needs root; cleans up on
# exit, even on failure. The dashboard is at http://127.0.0.1:9736/ inside the namespace:
#   ip netns exec NS curl -s 127.0.0.1:9736/api/findings
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/env.sh"
. "$here/scripts/scenarios.sh"
cd "$here"
duration=${1:-45}
mvn -q -B -DskipTests install -pl sockwatch-testkit,sockwatch-cli -am >&2
ns="swserve$$"
cleanup() {
  scenario_stop
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" sysctl -q -w net.ipv4.tcp_tw_reuse=0
(exec ip netns exec "$ns" ./sockwatch serve --netns self --leak-window 30s >/dev/null) &
scenario_pids+=($!)
scenario_start "$ns" server 127.0.0.1:8080 --delay 100
scenario_start "$ns" server 127.0.0.1:9000 --leak
scenario_start "$ns" herd 127.0.0.1:8080 20 "$duration" 4
end=$((SECONDS + duration))
while [ $SECONDS -lt $end ]; do # the leak: 10 clients every second that the server never closes
  scenario_run "$ns" leak-clients 127.0.0.1:9000 10 100 >/dev/null &
  sleep 1
done
wait_for() { ip netns exec "$ns" curl -s "127.0.0.1:9736$1"; }
echo '$ curl -s 127.0.0.1:9736/api/findings | jq -r '"'"'.open[] | "\(.severity) \(.title)\n  who: \(.subject.processes | join(", ")) \(.subject.destination)"'"'"
wait_for /api/findings | jq -r '.open[] | "\(.severity) \(.title)\n  who: \(.subject.processes | join(", ")) \(.subject.destination)"'
echo
echo '$ curl -s 127.0.0.1:9736/metrics | grep -E "^sockwatch_(sockets|destination_time_wait|process_close_wait|agent_cpu)"'
wait_for /metrics | grep -E "^sockwatch_(sockets\{state=\"(established|time_wait|close_wait)|destination_time_wait|process_close_wait|agent_cpu)" | head -12
echo
echo '$ curl -s 127.0.0.1:9736/api/status | jq -c "{ticks, scans, scan_interval_seconds, last_scan_cpu_seconds, heap: .memory.heap_used_bytes}"'
wait_for /api/status | jq -c '{ticks, scans, scan_interval_seconds, last_scan_cpu_seconds, heap: .memory.heap_used_bytes}'
