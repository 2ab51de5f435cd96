#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from the Go module proxy into a cache
# outside the repo, once per version set, and prints the folder that holds them
# (usable as KUBEBUILDER_ASSETS) on its last line of stdout.
#
# Why a build and not a download: this project's machines reach only package
# registries, so release binaries and setup-envtest are out of reach. The
# wrapper modules in hack/control-plane pin the versions; their go.sum is
# committed and the build runs with -mod=readonly so nothing drifts.
set -euo pipefail

K8S_VERSION=v1.34.4
ETCD_VERSION=v3.6.15
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_root="${LOGICOPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/logicops}"
assets="$cache_root/control-plane/k8s-$K8S_VERSION-etcd-$ETCD_VERSION"

log() { printf '[control-plane] %s\n' "$*" >&2; }

if [ -x "$assets/kube-apiserver" ] && [ -x "$assets/kubectl" ] && [ -x "$assets/etcd" ]; then
  log "cached binaries in $assets"
  echo "$assets"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    [ -x "$candidate" ] && export PATH="$(dirname "$candidate"):$PATH" && break
  done
fi
if ! command -v go >/dev/null 2>&1; then
  log "Go is not installed: it is needed once to build kube-apiserver $K8S_VERSION and etcd $ETCD_VERSION."
  log "Install Go >= 1.24 (e.g. at /usr/local/go), or set KUBEBUILDER_ASSETS to a folder holding kube-apiserver, etcd and kubectl."
  exit 3
fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
mkdir -p "$assets.partial"
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
minor=$(echo "$K8S_VERSION" | cut -d. -f2)
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags="$ldflags -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

start=$(date +%s)
log "building etcd $ETCD_VERSION (first time only; about 1-3 minutes)"
(cd "$here/hack/control-plane/etcd" && go build -trimpath -ldflags "-s -w" -o "$assets.partial/etcd" .)
log "etcd built in $(( $(date +%s) - start ))s"

start=$(date +%s)
log "building kube-apiserver and kubectl $K8S_VERSION (first time only; 10-25 minutes on 2 cores)"
(cd "$here/hack/control-plane/kube" && go build -trimpath -ldflags "$ldflags" -o "$assets.partial/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
log "kube-apiserver and kubectl built in $(( $(date +%s) - start ))s"

"$assets.partial/kube-apiserver" --version >&2
"$assets.partial/etcd" --version | head -1 >&2
# Rename last so an interrupted build is never mistaken for a complete cache.
rm -rf "$assets"
mv "$assets.partial" "$assets"
echo "$assets"
