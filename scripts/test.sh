#!/usr/bin/env bash
# Sets everything up on a fresh machine, builds with warnings as errors, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
CMAKE_EXTRA="-DGRIDBOT_WERROR=ON" scripts/setup.sh Debug
cd build
ctest --output-on-failure --timeout 600 -j2
