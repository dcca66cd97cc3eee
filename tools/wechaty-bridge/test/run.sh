#!/bin/sh
# CI entry point of tools/wechaty-bridge: run.sh [/path/to/gridbot]
# Installs the pinned dependencies (npm ci) and runs the unit tests and, given the gridbot binary,
# the end-to-end test. Without node/npm it skips (exit 0); otherwise it exits with the tests' status.
set -u

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "wechaty-bridge: node/npm not found; skipped"
  exit 0
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=3)?0:1)'; then
  echo "wechaty-bridge: node $(node --version) is older than 20.3; skipped"
  exit 0
fi

bin=${1:-${GRIDBOT_BIN:-}}
if [ -n "$bin" ]; then
  case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
  GRIDBOT_BIN=$bin
  export GRIDBOT_BIN
else
  unset GRIDBOT_BIN
fi

case $0 in */*) dir=${0%/*} ;; *) dir=. ;; esac
cd "$dir/.." || exit 1
# --ignore-scripts: nothing the tests use needs an install script (no native build on CI)
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error || exit $?
node --test --test-reporter=spec test/*.test.js
exit $?
