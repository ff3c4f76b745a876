#!/usr/bin/env bash
# Builds build/otelcol from tools/otelcol (the collector with exactly the components the stack
# uses, at the release pinned in lib/versions.ts). Go's module and build caches make a rebuild
# quick; an up-to-date binary is not rebuilt. The binary is never committed (build/ is ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -nE "s/^ *otelCollector: '([0-9.]+)'.*/\1/p" lib/versions.ts)
[ -n "$version" ] || { echo "build-otelcol: no otelCollector version in lib/versions.ts" >&2; exit 1; }
# tools/otelcol/go.mod must name the same release as the image.
if ! grep -q "go.opentelemetry.io/collector/otelcol v$version\$" tools/otelcol/go.mod; then
  echo "build-otelcol: lib/versions.ts pins $version but tools/otelcol/go.mod does not require go.opentelemetry.io/collector/otelcol v$version" >&2
  exit 1
fi
out=build/otelcol
if [ -x "$out" ] && [ "$("$out" --version 2>/dev/null)" = "otelcol version $version" ] \
  && [ -z "$(find tools/otelcol -newer "$out" -type f)" ]; then
  echo "build-otelcol: $out $version is up to date"
  exit 0
fi
mkdir -p build
start=$(date +%s)
# -mod=readonly: go.mod/go.sum are committed and never rewritten by a build.
(cd tools/otelcol && go build -mod=readonly -trimpath -ldflags "-s -w -X main.version=$version" -o "../../$out" .)
echo "build-otelcol: built $out $version in $(( $(date +%s) - start )) s"
