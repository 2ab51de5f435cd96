#!/usr/bin/env bash
# Builds the operator image from the Dockerfile with buildah (vfs storage, chroot
# isolation: no daemon, no user namespaces needed) on top of the local base images from
# scripts/image-base.sh, since public base images cannot be pulled here. Elsewhere, pass
# NODE_IMAGE / RUNTIME_IMAGE (or leave them unset with LOGICOPS_PUBLIC_BASE=1) to use the
# Dockerfile's public defaults.
# Usage: scripts/build-image.sh [tag]   (default localhost/logicops:dev); prints the tag.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag="${1:-localhost/logicops:dev}"
log() { printf '[build-image] %s\n' "$*" >&2; }

build_args=()
if [ -z "${LOGICOPS_PUBLIC_BASE:-}" ]; then
  if [ -z "${NODE_IMAGE:-}" ] || [ -z "${RUNTIME_IMAGE:-}" ]; then
    mapfile -t bases < <(bash "$here/scripts/image-base.sh" | tail -n 2)
    RUNTIME_IMAGE="${RUNTIME_IMAGE:-${bases[0]}}"
    NODE_IMAGE="${NODE_IMAGE:-${bases[1]}}"
  fi
  build_args=(--build-arg "NODE_IMAGE=$NODE_IMAGE" --build-arg "RUNTIME_IMAGE=$RUNTIME_IMAGE" --pull-never)
fi

# A machine whose registry traffic goes through a TLS-inspecting proxy trusts its CA via
# NODE_EXTRA_CA_CERTS; the build's npm needs the same, as a secret (never in a layer).
secret_args=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then
  secret_args=(--secret "id=extra-ca,src=$NODE_EXTRA_CA_CERTS")
fi

start=$(date +%s)
log "buildah build $tag (${NODE_IMAGE:-public defaults})"
buildah --storage-driver vfs build --isolation chroot --layers=false \
  "${build_args[@]}" "${secret_args[@]}" --tag "$tag" --file "$here/Dockerfile" "$here" >&2
log "image built in $(( $(date +%s) - start ))s"
echo "$tag"
