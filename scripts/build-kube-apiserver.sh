#!/usr/bin/env bash
# Builds build/bin/kube-apiserver (the real API server the apply and upgrade tests run against)
# and build/bin/kubectl of the same release (the client that applies to it: no version skew, and
# kubectl's own --server-side apply as a person or a CI job runs it) from the Go module proxy,
# without any other download:
#   1. go mod download k8s.io/kubernetes@$KUBE_VERSION (the whole tree is a Go module);
#   2. copy it out of the read-only module cache, remove go.work/go.work.sum (they pull in
#      ./staging, which the module zip does not contain) and the near-empty vendor/ (which would
#      switch the go command to -mod=vendor);
#   3. rewrite every `k8s.io/X => ./staging/src/k8s.io/X` replace to the published staging module
#      `k8s.io/X v0.<minor>.<patch>` (what the release's staging repositories are tagged with);
#   4. go build ./cmd/kube-apiserver ./cmd/kubectl with the version stamped in (as
#      hack/lib/version.sh does).
# About 20 minutes cold on 2 cores (docs/testing.md has the measurements); the binaries are kept in
# build/bin while they are the pinned version (what they report: `kube-apiserver --version` prints
# `Kubernetes vX.Y.Z`, `kubectl version --client` first `Client Version: vX.Y.Z`), so later runs
# reuse them. Never committed (build/ is ignored).
#
# KUBE_VERSION: 1.33 is the newer of the two Kubernetes versions the project validates against
# (../shared/k8s-schemas 1.28 and 1.33); v1.33.13 is the newest 1.33 patch the module proxy lists.
set -euo pipefail
cd "$(dirname "$0")/.."
KUBE_VERSION=${KUBE_VERSION:-v1.33.13}
out=build/bin/kube-apiserver
if [ "$("$out" --version 2>/dev/null)" = "Kubernetes $KUBE_VERSION" ] &&
  [ "$(build/bin/kubectl version --client 2>/dev/null | head -n1)" = "Client Version: $KUBE_VERSION" ]; then
  echo "build-kube-apiserver: $out and build/bin/kubectl $KUBE_VERSION are up to date"
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "build-kube-apiserver: go is required" >&2; exit 1; }
start=$(date +%s)
# k8s.io/kubernetes vX.Y.Z publishes its staging modules as k8s.io/<name> v0.Y.Z.
staging_version="v0.${KUBE_VERSION#v1.}"
src=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -nE 's/^\t"Dir": "(.*)",$/\1/p')
[ -d "$src" ] || { echo "build-kube-apiserver: go mod download k8s.io/kubernetes@$KUBE_VERSION gave no directory" >&2; exit 1; }
work=build/kube-apiserver-src
rm -rf "$work"
mkdir -p build/bin "$work"
cp -r "$src/." "$work/"
chmod -R u+w "$work"
rm -rf "$work/go.work" "$work/go.work.sum" "$work/vendor"
edits=()
while read -r module; do
  edits+=("-replace=$module=$module@$staging_version")
done < <(sed -nE 's#^\s*(k8s\.io/[a-z0-9-]+) => \./staging/src/k8s\.io/[a-z0-9-]+\s*$#\1#p' "$work/go.mod")
[ "${#edits[@]}" -gt 0 ] || { echo "build-kube-apiserver: no staging replaces found in go.mod" >&2; exit 1; }
(cd "$work" && go mod edit "${edits[@]}")
# The version the server reports (kubectl version, /version), as hack/lib/version.sh stamps it.
minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
# -mod=mod: go.sum gains the published staging modules' sums (checked against the checksum database).
mkdir -p "$work/bin"
(cd "$work" && CGO_ENABLED=0 go build -mod=mod -trimpath -ldflags "$ldflags" -o bin/ ./cmd/kube-apiserver ./cmd/kubectl)
mv "$work/bin/kube-apiserver" "$out"
mv "$work/bin/kubectl" build/bin/kubectl
rm -rf "$work"
echo "build-kube-apiserver: built $out and build/bin/kubectl $KUBE_VERSION in $(( $(date +%s) - start )) s"
