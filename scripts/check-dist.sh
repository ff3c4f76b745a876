#!/usr/bin/env bash
# Fails, saying how to fix it, when the committed dist/ (and examples/dist/) is not exactly what
# the code synthesizes. Used by .ci/run, .github/workflows/pull-request.yml and .gitlab-ci.yml.
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=(dist)
npm run --silent synth
if [ -d examples/dist ]; then
  npm run --silent synth:examples
  dirs+=(examples/dist)
fi
label=$(printf '%s/ and ' "${dirs[@]}")
label=${label% and }
stale=$(git status --porcelain -- "${dirs[@]}")
if [ -n "$stale" ]; then
  msg="the committed $label differ from a fresh synth: run 'npm run synth'$([ -d examples/dist ] && echo " and 'npm run synth:examples'") and commit the result"
  if [ -n "${GITHUB_ACTIONS:-}" ]; then echo "::error title=dist/ is stale::$msg"; fi
  echo "error: $msg" >&2
  echo "$stale" >&2
  git --no-pager diff --stat -- "${dirs[@]}" >&2
  exit 1
fi
echo "$label match a fresh synth."
