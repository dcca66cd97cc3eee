#!/bin/sh
# CI entry point of the console's browser test: run.sh /path/to/gridbot
# Installs the pinned puppeteer-core (npm ci) and drives Debian's chromium. Without node/npm or
# chromium it skips (exit 0); otherwise it exits with the tests' status.
set -u
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "console browser test: node/npm not found; skipped"
  exit 0
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "console browser test: no chromium (scripts/setup.sh installs it); skipped"
  exit 0
fi
GRIDBOT_BIN=${1:?usage: run.sh /path/to/gridbot}
export GRIDBOT_BIN
case $0 in */*) dir=${0%/*} ;; *) dir=. ;; esac
cd "$dir" || exit 1
# --ignore-scripts: puppeteer-core downloads nothing; the browser is Debian's.
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error || exit $?
node --test --test-reporter=spec console.test.js
