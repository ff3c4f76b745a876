#!/usr/bin/env bash
# Builds build/bin/oauth2-proxy, the query gateway's OIDC sidecar (image pinned in lib/versions.ts)
# at the same release, for the end-to-end test (test/gateway-oidc-e2e.test.ts): `go install` of
# github.com/oauth2-proxy/oauth2-proxy/v7 from the Go module proxy (the module has no replace
# directives, so it builds as published), with the version stamped in as the project's Makefile
# does (-X …/pkg/version.VERSION). Kept in build/bin while it is the pinned version (what
# `oauth2-proxy --version` reports: `oauth2-proxy vX.Y.Z (built with goN)`); never committed
# (build/ is ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
# The release pinned in lib/versions.ts (`oauth2Proxy: 'vX.Y.Z'`, the image tag): one place for
# the version, so a Renovate bump of the image rebuilds the binary the tests run.
OAUTH2_PROXY_VERSION=$(sed -nE "s/^  oauth2Proxy: '(v[0-9]+\.[0-9]+\.[0-9]+)',$/\1/p" lib/versions.ts)
[ -n "$OAUTH2_PROXY_VERSION" ] || { echo "build-oauth2-proxy: no oauth2Proxy version in lib/versions.ts" >&2; exit 1; }
out=build/bin/oauth2-proxy
if [ -x "$out" ] && [ "$("$out" --version 2>/dev/null | cut -d' ' -f2)" = "$OAUTH2_PROXY_VERSION" ]; then
  echo "build-oauth2-proxy: $out $OAUTH2_PROXY_VERSION is up to date"
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "build-oauth2-proxy: go is required" >&2; exit 1; }
start=$(date +%s)
mkdir -p build/bin
module=github.com/oauth2-proxy/oauth2-proxy/v7
CGO_ENABLED=0 GOBIN="$PWD/build/bin" go install -trimpath \
  -ldflags "-s -w -X $module/pkg/version.VERSION=$OAUTH2_PROXY_VERSION" "$module@$OAUTH2_PROXY_VERSION"
echo "build-oauth2-proxy: built $out $OAUTH2_PROXY_VERSION in $(( $(date +%s) - start )) s"
