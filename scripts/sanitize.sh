#!/usr/bin/env bash
# The unit and end-to-end tests again under AddressSanitizer + UndefinedBehaviorSanitizer, then
# every fuzz harness for a bounded time. One clang build (build-asan) serves both: its libraries,
# tests and the gridbot binary carry ASan + UBSan (a finding aborts) and libFuzzer's coverage
# instrumentation, and the harnesses of fuzz/ link against the same libraries.
#   scripts/sanitize.sh [FUZZ_SECONDS_PER_HARNESS]      default 60
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS="${1:-60}"
BUILD_DIR=build-asan
# clang, its sanitizer and libFuzzer runtimes, and llvm-symbolizer (the rest: scripts/setup.sh).
missing=()
for p in clang libclang-rt-14-dev llvm-14; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DGRIDBOT_FUZZ=ON -DBUILD_TESTING=ON >/dev/null
fi
flock /tmp/gridbot-build.lock cmake --build "$BUILD_DIR" -j"$(nproc)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# The node-based tests (Tencent's SDK, the Wechaty bridge) run no C++ of ours but the binary the
# main build already tested; the classifier's corpus evaluations are the same code the classifier
# harness fuzzes, and are slow under ASan.
# An end-to-end test that waits on a real process may run late under ASan on a loaded machine: it
# gets a second run; a sanitizer finding aborts the process and fails both.
(cd "$BUILD_DIR" && ctest --output-on-failure --timeout 900 -j2 --repeat until-pass:2 \
  -E 'wecom_crypto_interop|wechaty_bridge|shipped rules meet|cross-validation|pruned until it fits')
# The harnesses in two halves side by side (two cores), each harness for FUZZ_SECONDS.
harnesses=(bridge aibot app_xml msg_crypt wecom_answers text incident_api org_csv config
  command_grammar incident_grammar classifier)
half=$(((${#harnesses[@]} + 1) / 2))
BUILD_DIR_FUZZ="$BUILD_DIR" scripts/fuzz.sh "$FUZZ_SECONDS" "${harnesses[@]:0:half}" &
first=$!
BUILD_DIR_FUZZ="$BUILD_DIR" scripts/fuzz.sh "$FUZZ_SECONDS" "${harnesses[@]:half}" || rc=$?
wait "$first" || rc=$?
exit "${rc:-0}"
