#!/usr/bin/env bash
# Builds the image tarball offline (no registry, no daemon, no root): a jlink runtime of the
# modules sockwatch uses, the C libraries it links, and the shaded jar, packed by Jib from scratch
# with fixed times, so the same sources give the same tarball to the byte. Prints its path.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/env.sh"
cd "$here"
mvn -q -B -DskipTests -pl sockwatch-image -am package >&2
tar="$here/sockwatch-image/target/sockwatch-image.tar"
echo "$tar ($(du -h "$tar" | cut -f1), sha256 $(sha256sum "$tar" | cut -c1-16)...)"
