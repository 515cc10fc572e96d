#!/bin/sh
# usage: capture.sh OUTDIR   (run inside the netns while populate.py holds the sockets)
# tcp_mem and tcp_max_orphans exist only in the initial netns: copy them from there afterwards.
set -eu
out=$1
mkdir -p "$out/proc/net/stat" "$out/proc/sys/net/ipv4" "$out/proc/sys/net/netfilter"
for f in tcp tcp6 sockstat sockstat6 snmp netstat; do cat /proc/net/$f > "$out/proc/net/$f"; done
if [ -e /proc/net/stat/nf_conntrack ]; then cat /proc/net/stat/nf_conntrack > "$out/proc/net/stat/nf_conntrack"; fi
for f in tcp_mem ip_local_port_range ip_local_reserved_ports tcp_max_orphans tcp_keepalive_time \
  tcp_keepalive_intvl tcp_keepalive_probes tcp_fin_timeout tcp_tw_reuse tcp_max_tw_buckets; do
  if [ -e /proc/sys/net/ipv4/$f ]; then cat /proc/sys/net/ipv4/$f > "$out/proc/sys/net/ipv4/$f"; else echo "absent in this netns: $f"; fi
done
for f in nf_conntrack_count nf_conntrack_max; do
  if [ -e /proc/sys/net/netfilter/$f ]; then cat /proc/sys/net/netfilter/$f > "$out/proc/sys/net/netfilter/$f"; fi
done
ss -tanoeH > "$out/ss-tanoeH.txt"
uname -r > "$out/uname-r.txt"
