#!/usr/bin/env bash
# Builds promqlcheck, Prometheus's own PromQL parser and engine (github.com/prometheus/prometheus,
# packages promql, promql/parser, model/textparse and tsdb) behind a small command, from the
# committed Go module hack/promql into a cache outside the repo, once per version set. Prints
# the folder that holds it on the last line of stdout.
#
# Why the whole prometheus module: promql/parser lives in it (no smaller module serves it), and
# the alert test evaluates expressions with the engine, which needs storage (a throw-away TSDB).
# Go builds only the packages imported, but the module graph must resolve: a cold build fetches
# ~850 MB of modules and takes ~2 minutes on 2 cores; later runs reuse the cache.
# go.sum is committed and the build runs with -mod=readonly, so hack/promql/go.mod is exactly what runs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_root="${LOGICOPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/logicops}"
# The folder name changes whenever the pins or the command's code change: a stale cache is never reused.
fingerprint=$(cat "$here/hack/promql/go.mod" "$here/hack/promql/go.sum" "$here"/hack/promql/*/main.go "$0" | sha256sum | cut -c1-12)
out="$cache_root/tools/promql-$fingerprint"

log() { printf '[promql] %s\n' "$*" >&2; }

if [ -x "$out/promqlcheck" ]; then
  log "cached promqlcheck in $out"
  echo "$out"
  exit 0
fi

# shellcheck source=lib/go-tool-build.sh
. "$here/scripts/lib/go-tool-build.sh"
require_go "Go is not installed: Go >= 1.26.7 is needed once to build the PromQL checker (Prometheus v3 modules)."
start=$(date +%s)
log "building promqlcheck from github.com/prometheus/prometheus $(cd "$here/hack/promql" && go list -m -f '{{.Version}}' github.com/prometheus/prometheus) (first time only; about 2 minutes on 2 cores)"
(cd "$here/hack/promql" && go build -trimpath -ldflags "-s -w" -o "$out.partial/" ./promqlcheck)
log "promqlcheck built in $(( $(date +%s) - start ))s"
publish_build
