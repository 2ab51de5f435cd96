# Shared by the scripts that build a test tool from a committed Go module into a cache outside
# the repo (build-tools.sh, build-promql.sh). Source it after setting `log` and `out`.

# Puts a Go toolchain on PATH (the usual install places when `go` is not on it yet); exits 3 with
# `$1` as the message when there is none.
require_go() {
  if ! command -v go >/dev/null 2>&1; then
    for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
      [ -x "$candidate" ] && export PATH="$(dirname "$candidate"):$PATH" && break
    done
  fi
  if ! command -v go >/dev/null 2>&1; then
    log "$1"
    exit 3
  fi
  # The committed go.sum decides every module; no toolchain download, no cgo.
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
  rm -rf "$out.partial"
  mkdir -p "$out.partial"
}

# Publishes the build: renamed last, so an interrupted build is never mistaken for a complete
# cache. Prints the folder on the last line of stdout.
publish_build() {
  rm -rf "$out"
  mv "$out.partial" "$out"
  echo "$out"
}
