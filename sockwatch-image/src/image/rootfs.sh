#!/usr/bin/env bash
# Lays out the image's root filesystem; Jib then packs it, unchanged, as the image's one layer of
# files (sockwatch-image/pom.xml). Run by the build, not by hand:
#
#   rootfs.sh OUT_DIR SHADED_JAR MODULES JLINK_CACHE
#
# The image starts from scratch, so everything the JVM needs is here:
#   /opt/java             a jlink runtime of MODULES only (the test ImageModulesTest keeps that list
#                         equal to what the jar uses)
#   /opt/sockwatch/       the shaded sockwatch jar
#   /lib*/                the C libraries the runtime links, copied from this build machine (cp -L:
#                         symlinks become files); FFM's netlink and setns calls go to the same libc
#   /etc/passwd, /etc/group  root and nobody, so the JVM has a user name and a home
#   /tmp                  mount point of the writable emptyDir (the root filesystem is read-only)
#
# jlink is the slow step (about 10 s), so its output is kept in JLINK_CACHE and reused while the
# JDK and the module list are the same (a stamp file says which). It is deterministic: the same JDK
# and modules give the same files, so the cache changes no byte of the image.
set -euo pipefail
out=$1
jar=$2
modules=$3
cache=$4

[ -f "$jar" ] || { echo "rootfs.sh: $jar is missing: build sockwatch-cli first (mvn -pl sockwatch-image -am package)" >&2; exit 1; }
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jlink" ] || { echo "rootfs.sh: JAVA_HOME has no jlink: $JAVA_HOME" >&2; exit 1; }

# --strip-debug, no headers or man pages and zip-6 compression of the modules file: the runtime is
# about a fifth of a full JDK. --compress=zip-6 costs a few ms of start-up; the agent runs for days.
jlink_options=(--strip-debug --no-header-files --no-man-pages --compress=zip-6)
stamp="$(sed -n 's/^IMPLEMENTOR_VERSION=//p;s/^JAVA_RUNTIME_VERSION=//p' "$JAVA_HOME/release" | tr '\n' ' ')$modules ${jlink_options[*]}"
if [ ! -f "$cache/.stamp" ] || [ "$(cat "$cache/.stamp")" != "$stamp" ]; then
  rm -rf "$cache"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" "${jlink_options[@]}" --output "$cache"
  # The image runs one program: keytool (java.base) and jwebserver (jdk.httpserver) are not it.
  rm -f "$cache/bin/keytool" "$cache/bin/jwebserver"
  printf '%s' "$stamp" >"$cache/.stamp"
fi

rm -rf "$out"
mkdir -p "$out/opt" "$out/opt/sockwatch" "$out/etc" "$out/tmp"
cp -a "$cache" "$out/opt/java"
rm -f "$out/opt/java/.stamp"
cp "$jar" "$out/opt/sockwatch/sockwatch.jar"
# A launcher for places that have a shell (this image has none): node-problem-detector's image
# copies /opt from this one and its rules call it; a node can run it from /opt too. The flags are
# the repository's ./sockwatch ones for one-shot commands (serial GC, C1 only, no perf data file).
mkdir -p "$out/opt/sockwatch/bin"
cat >"$out/opt/sockwatch/bin/sockwatch" <<'LAUNCHER'
#!/bin/sh
# sockwatch, from the Java runtime and jar of its image (/opt/java, /opt/sockwatch).
exec /opt/java/bin/java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
  --enable-native-access=ALL-UNNAMED -jar /opt/sockwatch/sockwatch.jar "$@"
LAUNCHER
chmod 755 "$out/opt/sockwatch/bin/sockwatch"

# The shared libraries that the launcher, the JVM and the JDK's own native libraries need, as the
# dynamic linker of this machine resolves them (the runtime's own libraries are found through its
# rpath and are already there). On Debian 12 that is libc, libm, libdl, libpthread, librt and the
# loader; nss_files and nss_dns are inside libc since glibc 2.34, so name lookups need no more.
mapfile -t natives < <(find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \))
mapfile -t libs < <(ldd "${natives[@]}" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
for lib in "${libs[@]}"; do
  case "$lib" in
    "$out"/*) continue ;;
  esac
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done
[ -f "$out/lib64/ld-linux-x86-64.so.2" ] || { echo "rootfs.sh: the dynamic loader was not found by ldd" >&2; exit 1; }

# Names for uid/gid 0 and 65534: without them the JVM's user.name is '?' and user.home '?'.
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$out/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$out/etc/group"
