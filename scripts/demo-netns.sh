#!/usr/bin/env bash
# Produces the README's namespace sample: three network namespaces standing in for pods, read at
# once from the host by `sockwatch snapshot --netns all` and `sockwatch doctor` (default: all).
#   shop:  a server on 127.0.0.1:8080 polled by a herd opening a fresh connection per probe,
#   queue: a server on 127.0.0.1:9000 that never closes what its clients closed (CLOSE_WAIT), put
#          in a cgroup of the kubelet's shape so that it shows as a pod's container,
#   cache: a server on 127.0.0.1:6379 with one idle client.
# The same 127.0.0.1 ports exist in every namespace; sockwatch keeps them apart. Needs root;
# cleans up on exit, even on failure.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/env.sh"
. "$here/scripts/scenarios.sh"
cd "$here"
mvn -q -B -DskipTests install -pl sockwatch-testkit,sockwatch-cli -am >&2
tag=$$
spaces=("shop$tag" "queue$tag" "cache$tag")
pod=/sys/fs/cgroup/pids/kubepods/burstable/pod7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f
container=$pod/5e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7
cleanup() {
  scenario_stop
  for ns in "${spaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  rmdir "$container" "$pod" "${pod%/*}" "${pod%/*/*}" 2>/dev/null || true
}
trap cleanup EXIT
for ns in "${spaces[@]}"; do
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
done
scenario_start "shop$tag" server 127.0.0.1:8080
scenario_start "shop$tag" herd 127.0.0.1:8080 20 30 2
scenario_start "queue$tag" server 127.0.0.1:9000 --leak
mkdir -p "$container" && echo "${scenario_pids[-1]}" >"$container/cgroup.procs"
scenario_run "queue$tag" leak-clients 127.0.0.1:9000 120 4096 >/dev/null
scenario_start "cache$tag" server 127.0.0.1:6379
scenario_start "cache$tag" idle 127.0.0.1:6379
echo "# scenario running; letting TIME_WAIT build up for 8 s" >&2
sleep 8
echo "\$ sockwatch snapshot --netns all --summary --top 3"
./sockwatch snapshot --netns all --summary --top 3
echo
echo "\$ sockwatch doctor --set close-wait.min-age=5s"
set +e
./sockwatch doctor --set close-wait.min-age=5s
echo "(exit code $?)"
