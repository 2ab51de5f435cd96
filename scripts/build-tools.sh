#!/usr/bin/env bash
# Builds the packaging tools from the committed Go module hack/tools into a cache
# outside the repo, once per version set, and prints the folder that holds them on
# the last line of stdout:
#   helm       helm.sh/helm/v3 (install, upgrade, lint, template in tests and docs)
#   kstatus    sigs.k8s.io/cli-utils kstatus on JSON objects (what Flux computes)
#   luahealth  gopher-lua running an Argo CD health script on a JSON object
#
# Why a build and not a download: this project's machines reach only package
# registries. go.sum is committed and the build runs with -mod=readonly, so the
# versions in hack/tools/go.mod are exactly what runs.
set -euo pipefail

HELM_VERSION=v3.22.0
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_root="${LOGICOPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/logicops}"
# The folder name changes whenever the module's pins or the helpers' code change,
# so a stale cache is never reused.
fingerprint=$(cat "$here/hack/tools/go.mod" "$here/hack/tools/go.sum" "$here"/hack/tools/*/main.go "$0" | sha256sum | cut -c1-12)
out="$cache_root/tools/helm-$HELM_VERSION-$fingerprint"

log() { printf '[tools] %s\n' "$*" >&2; }

if [ -x "$out/helm" ] && [ -x "$out/kstatus" ] && [ -x "$out/luahealth" ]; then
  log "cached tools in $out"
  echo "$out"
  exit 0
fi

# shellcheck source=lib/go-tool-build.sh
. "$here/scripts/lib/go-tool-build.sh"
require_go "Go is not installed: Go >= 1.26 is needed once to build helm $HELM_VERSION and the test helpers."
# helm's default Kubernetes version (for `template`, `lint` and kubeVersion checks) is
# stamped at link time, as helm's Makefile does, from the client-go the module resolves.
k8s_minor=$(cd "$here/hack/tools" && go list -m -f '{{.Version}}' k8s.io/client-go | cut -d. -f2)
start=$(date +%s)
log "building helm $HELM_VERSION, kstatus and luahealth (first time only; a few minutes on 2 cores)"
(cd "$here/hack/tools" && go build -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor" \
  -o "$out.partial/" helm.sh/helm/v3/cmd/helm ./kstatus ./luahealth)
log "tools built in $(( $(date +%s) - start ))s"
"$out.partial/helm" version --short >&2
publish_build
