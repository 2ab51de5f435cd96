#!/usr/bin/env bash
# Assembles two local Node 24 base images for scripts/build-image.sh, because this
# project's machines cannot pull public images:
#   localhost/logicops-node-runtime:24-bookworm  Debian bookworm minbase + node
#   localhost/logicops-node-build:24-bookworm    the same + npm (for `npm ci` in the build stage)
# The Debian root filesystem comes from debootstrap (Debian's mirror, the one apt uses)
# and is cached as a tarball; node is the Node 24 binary of the node@24 dev dependency
# (glibc-linked, so a glibc userland is required), npm is the machine's npm.
# Prints the two image names on the last two lines of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_root="${LOGICOPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/logicops}"
suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
node_bin="$here/node_modules/node/bin/node"
npm_dir="${NPM_DIR:-$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")}"
buildah=(buildah --storage-driver vfs)
runtime_image=localhost/logicops-node-runtime:24-$suite
build_image=localhost/logicops-node-build:24-$suite

log() { printf '[image-base] %s\n' "$*" >&2; }

[ -x "$node_bin" ] || { log "missing $node_bin: run npm ci first (node@24 is a dev dependency)"; exit 3; }
[ -f "$npm_dir/bin/npm-cli.js" ] || { log "npm not found at $npm_dir (set NPM_DIR)"; exit 3; }
for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null || { log "$tool is missing: apt-get install -y buildah debootstrap"; exit 3; }
done

node_version=$("$node_bin" --version)
npm_version=$("$node_bin" "$npm_dir/bin/npm-cli.js" --version)
label="node-$node_version-npm-$npm_version"

image_label() { "${buildah[@]}" inspect --type image --format '{{index .ImageAnnotations "io.logicops.base"}}' "$1" 2>/dev/null || true; }
if [ "$(image_label "$runtime_image")" = "$label" ] && [ "$(image_label "$build_image")" = "$label" ]; then
  log "cached base images ($label)"
  printf '%s\n%s\n' "$runtime_image" "$build_image"
  exit 0
fi

rootfs_tar="$cache_root/image-base/debian-$suite-minbase.tar"
if [ ! -f "$rootfs_tar" ]; then
  mkdir -p "$(dirname "$rootfs_tar")"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  start=$(date +%s)
  log "debootstrap --variant=minbase $suite (first time only; a few minutes)"
  debootstrap --variant=minbase "$suite" "$work/rootfs" "$mirror" >&2
  # Package lists and caches only make the layer bigger.
  rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/cache/apt/"*.bin "$work/rootfs/var/cache/apt/archives/"*.deb
  tar -C "$work/rootfs" -cf "$rootfs_tar.partial" .
  mv "$rootfs_tar.partial" "$rootfs_tar"
  log "root filesystem assembled in $(( $(date +%s) - start ))s"
fi

start=$(date +%s)
container=$("${buildah[@]}" from scratch)
cleanup_container() { "${buildah[@]}" rm "$container" >/dev/null 2>&1 || true; }
trap cleanup_container EXIT
"${buildah[@]}" add "$container" "$rootfs_tar" / >&2
# /nodejs/bin/node is where the distroless nodejs images keep node, so the Dockerfile's
# ENTRYPOINT is the same with the public default and with this base.
"${buildah[@]}" copy --chmod 0755 "$container" "$node_bin" /nodejs/bin/node >&2
"${buildah[@]}" run --isolation chroot "$container" -- ln -sf /nodejs/bin/node /usr/local/bin/node
"${buildah[@]}" config --env PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin:/nodejs/bin \
  --annotation "io.logicops.base=$label" "$container"
"${buildah[@]}" commit --quiet "$container" "$runtime_image" >/dev/null
"${buildah[@]}" copy "$container" "$npm_dir" /usr/local/lib/node_modules/npm >&2
"${buildah[@]}" run --isolation chroot "$container" -- ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
"${buildah[@]}" run --isolation chroot "$container" -- ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
"${buildah[@]}" commit --quiet --rm "$container" "$build_image" >/dev/null
trap - EXIT
log "base images committed in $(( $(date +%s) - start ))s ($label)"
printf '%s\n%s\n' "$runtime_image" "$build_image"
