#!/usr/bin/env bash
# Produces the README's probe-idle sample on a real stateful firewall: three network namespaces
# (client, firewall, server) joined by veth pairs, the firewall forwarding only what its conntrack
# knows (nftables: invalid dropped, established accepted, new SYNs from the client accepted) and
# forgetting established connections after TIMEOUT seconds idle (default 20;
# nf_conntrack_tcp_timeout_established, with nf_conntrack_tcp_loose=0 so a forgotten connection's
# next packet is dropped, not re-adopted).
# Then: `sockwatch echo` on the server, `sockwatch probe-idle` from the client, and `sockwatch
# doctor` judging an idle connection (bash's /dev/tcp: no keepalive) against the measured timeout.
# Needs root, ip, nft; the addresses exist only inside the namespaces. Cleans up on exit, even on
# failure.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
timeout=${1:-20}
./sockwatch --version >/dev/null # builds if needed
cl="swpi-cl$$" fw="swpi-fw$$" sv="swpi-sv$$"
state=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for n in "$cl" "$fw" "$sv"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$state"
}
trap cleanup EXIT
for n in "$cl" "$fw" "$sv"; do
  ip netns add "$n"
  ip -n "$n" link set lo up
done
ip -n "$cl" link add c-fw type veth peer name fw-c netns "$fw"
ip -n "$fw" link add fw-s type veth peer name s-fw netns "$sv"
ip -n "$cl" addr add 10.77.1.2/24 dev c-fw
ip -n "$fw" addr add 10.77.1.1/24 dev fw-c
ip -n "$fw" addr add 10.77.2.1/24 dev fw-s
ip -n "$sv" addr add 10.77.2.2/24 dev s-fw
for pair in "$cl c-fw" "$fw fw-c" "$fw fw-s" "$sv s-fw"; do
  set -- $pair
  ip -n "$1" link set "$2" up
done
ip -n "$cl" route add default via 10.77.1.1
ip -n "$sv" route add default via 10.77.2.1
ip netns exec "$fw" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$fw" nft -f - <<'NFT'
table inet demo_firewall {
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state invalid drop
    ct state established,related accept
    iifname "fw-c" tcp flags & (fin | syn | rst | ack) == syn ct state new accept
  }
}
NFT
ip netns exec "$fw" sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
ip netns exec "$fw" sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established="$timeout"

fifo="$state/echo.out"
mkfifo "$fifo"
(exec ip netns exec "$sv" ./sockwatch echo --listen 10.77.2.2:7007 >"$fifo") &
pids+=($!)
read -r _ <"$fifo" # "sockwatch echo: listening on ..."

echo "# firewall: nf_conntrack_tcp_timeout_established=$timeout"
echo '$ sockwatch probe-idle --target 10.77.2.2:7007 --max-idle 80s --keepalive-idle 5'
ip netns exec "$cl" ./sockwatch probe-idle --target 10.77.2.2:7007 --max-idle 80s \
  --keepalive-idle 5 --state-file "$state/timeouts" | sed "s#$state/timeouts#~/.local/state/sockwatch/middlebox-timeouts#"

# An application connection without keepalive, used once and then left idle.
(exec ip netns exec "$cl" bash -c 'exec 3<>/dev/tcp/10.77.2.2/7007; echo hello >&3; read -r _ <&3; read -r -t 600 _ <&3') &
pids+=($!)
half=$(awk -F'[ ]' '!/^#/ && NF {printf "%d", $3 / 2 + 2}' "$state/timeouts")
sleep "$half"
echo
echo "\$ sockwatch doctor --netns self --once   # $half s after the connection's last data"
ip netns exec "$cl" ./sockwatch doctor --netns self --once --state-file "$state/timeouts" |
  sed -n '1p; /^\(WARNING\|CRITICAL\) .* idle /,/docs:/p' || true
