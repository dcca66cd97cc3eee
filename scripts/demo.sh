#!/usr/bin/env bash
# Sets everything up and starts the demo: a stub bridge receiver on 127.0.0.1:8081 that prints
# what gridbot sends, and gridbot on 127.0.0.1:8080 with the demo org (config/gridbot.json).
# Ctrl-C stops both. See README.md for posting a signed message as a resident.
# The demo runs an optimised build of its own (build-demo), so the tests' Debug build stays as is.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR_RELEASE=build-demo CMAKE_EXTRA=-DBUILD_TESTING=OFF BUILD_TARGETS=gridbot \
  scripts/setup.sh Release
STUB_PORT="${STUB_PORT:-8081}"
./build-demo/bot/gridbot stub --port "$STUB_PORT" --secret "${BRIDGE_SECRET:-demo-bridge-secret}" &
STUB=$!
trap 'kill $STUB 2>/dev/null || true' EXIT
export BRIDGE_OUTBOUND_URL="${BRIDGE_OUTBOUND_URL:-http://127.0.0.1:$STUB_PORT/send}"
./build-demo/bot/gridbot serve -c config/gridbot.json
