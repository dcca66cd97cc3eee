#!/usr/bin/env bash
# Installs the Debian packages gridbot builds with (docs/conventions.md "Dependencies") and
# configures + builds it.
# Idempotent and quiet when everything is already there. Usage: scripts/setup.sh [Debug|Release]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_TYPE="${1:-Debug}"
BUILD_DIR="${BUILD_DIR:-build}"
[ "$BUILD_TYPE" = Release ] && BUILD_DIR="${BUILD_DIR_RELEASE:-build-release}"

PACKAGES=(build-essential cmake ninja-build ccache pkg-config git curl openssl
  libboost1.81-dev libboost-url1.81-dev libssl-dev libsqlite3-dev libsqlitecpp-dev rapidjson-dev
  libpugixml-dev catch2 libspdlog-dev libfmt-dev libcli11-dev libsodium-dev libxlsxwriter-dev
  libjemalloc-dev
  clang-format chromium fonts-noto-cjk ${EXTRA_PACKAGES:-})
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" "${GEN[@]}" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${CMAKE_EXTRA:-} >/dev/null
elif [ -n "${CMAKE_EXTRA:-}" ]; then
  cmake -S . -B "$BUILD_DIR" ${CMAKE_EXTRA} >/dev/null
fi
cmake --build "$BUILD_DIR" -j"$(nproc)" ${BUILD_TARGETS:+--target $BUILD_TARGETS}
