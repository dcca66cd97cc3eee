#!/usr/bin/env bash
# Builds the libFuzzer harnesses of fuzz/ (clang, ASan + UBSan, in build-fuzz/) and runs each for
# a while on a copy of its seed corpus with its dictionary (docs/fuzzing.md).
#
#   scripts/fuzz.sh [SECONDS_PER_HARNESS] [HARNESS...]     default: 60 s, every harness
#
# Prints one line per harness (executions, executions per second, result) and exits non-zero when
# any harness found a crash, a leak, a timeout or a broken invariant; the input that did it is
# left in build-fuzz/fuzz-work/<harness>/ (crash-*, leak-*, timeout-*), with the log beside it.
# The inputs of fuzz/regressions/<harness>/ (bugs found and fixed) are replayed before each run.
# Environment: FUZZ_ARGS adds libFuzzer flags to every run (e.g. FUZZ_ARGS=-runs=10000000);
# BUILD_DIR_FUZZ moves the build (default build-fuzz); FUZZ_NO_BUILD=1 runs the harnesses already
# built (long runs while the sources change under them); FUZZ_RESUME=1 starts from the corpus a
# previous run left in build-fuzz/fuzz-work/<harness>/ (a long run split over several sittings; the
# earlier log is kept as log.<n>) instead of the seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER="${1:-60}"
shift || true
BUILD_DIR="${BUILD_DIR_FUZZ:-build-fuzz}"
LOCK=/tmp/gridbot-build.lock

# Each harness and the longest input it is given (-max_len): a little above what the platform or
# the server lets through where that is small (a chat message), enough for the seeds otherwise.
declare -A MAX_LEN=(
  [bridge]=4096 [aibot]=4096 [app_xml]=4096 [msg_crypt]=4096 [wecom_answers]=4096
  [text]=2048 [incident_api]=4096 [org_csv]=4096 [config]=8192
  [command_grammar]=512 [incident_grammar]=512 [classifier]=1024
)
# Flags of one harness. incident_api keeps a store between inputs, so most inputs end with more
# allocations than they freed, and libFuzzer's leak check after such an input (a scan of the whole
# heap) took a quarter of its time; LeakSanitizer still checks the whole run when it exits.
declare -A EXTRA=([incident_api]=-detect_leaks=0)
ALL=(bridge aibot app_xml msg_crypt wecom_answers text incident_api org_csv config
  command_grammar incident_grammar classifier)
HARNESSES=("$@")
[ ${#HARNESSES[@]} -eq 0 ] && HARNESSES=("${ALL[@]}")
for h in "${HARNESSES[@]}"; do
  [ -n "${MAX_LEN[$h]:-}" ] || { echo "fuzz: unknown harness $h (one of: ${ALL[*]})" >&2; exit 2; }
done

# The packages of scripts/setup.sh, plus clang, its sanitizer and libFuzzer runtimes, and
# llvm-symbolizer for readable stack traces.
PACKAGES=(build-essential cmake ninja-build ccache pkg-config git openssl
  libboost1.81-dev libboost-url1.81-dev libssl-dev libsqlite3-dev libsqlitecpp-dev rapidjson-dev
  libpugixml-dev libspdlog-dev libfmt-dev libcli11-dev clang libclang-rt-14-dev llvm-14)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1
if [ -n "${FUZZ_NO_BUILD:-}" ]; then
  echo "fuzz: FUZZ_NO_BUILD set: running the harnesses already in $BUILD_DIR/fuzz"
elif [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DGRIDBOT_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
fi
# One build at a time on this machine (a lock shared by everyone who builds here).
[ -n "${FUZZ_NO_BUILD:-}" ] || flock "$LOCK" cmake --build "$BUILD_DIR" --target fuzz -j"$(nproc)"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
command -v llvm-symbolizer >/dev/null || export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer

failed=0
for h in "${HARNESSES[@]}"; do
  work="$BUILD_DIR/fuzz-work/$h"
  if [ -n "${FUZZ_RESUME:-}" ] && [ -d "$work/corpus" ]; then
    n=1
    while [ -e "$work/log.$n" ]; do n=$((n + 1)); done
    [ -f "$work/log" ] && mv "$work/log" "$work/log.$n"
    cp -n fuzz/corpus/"$h"/* "$work/corpus/"
  else
    rm -rf "$work"
    mkdir -p "$work/corpus"
    cp fuzz/corpus/"$h"/* "$work/corpus/"
  fi
  dict=()
  [ -f "fuzz/$h.dict" ] && dict=(-dict="fuzz/$h.dict")
  start=$(date +%s)
  set +e
  # Inputs that once crashed (fuzz/regressions/<harness>/, any length): each must pass first.
  if [ -d "fuzz/regressions/$h" ]; then
    if ! "$BUILD_DIR/fuzz/fuzz_$h" fuzz/regressions/"$h"/* </dev/null >"$work/regressions.log" 2>&1; then
      printf 'fuzz: %-17s a regression input fails again — see %s\n' "$h" "$work/regressions.log"
      failed=1
      set -e
      continue
    fi
  fi
  # shellcheck disable=SC2086  # EXTRA and FUZZ_ARGS are lists of flags
  nice -n 10 "$BUILD_DIR/fuzz/fuzz_$h" "$work/corpus" "${dict[@]}" -max_len="${MAX_LEN[$h]}" \
    -max_total_time="$SECONDS_PER" -timeout=30 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$work/" ${EXTRA[$h]:-} ${FUZZ_ARGS:-} \
    </dev/null >"$work/log" 2>&1
  rc=$?
  set -e
  secs=$(($(date +%s) - start))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  artifact=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
    -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) | head -1)
  if [ "$rc" -eq 0 ] && [ -z "$artifact" ]; then
    result=ok
  else
    result="FAILED (exit $rc) ${artifact:-no artifact} — see $work/log"
    failed=1
  fi
  printf 'fuzz: %-17s %5s s %12s runs %8s exec/s  %s\n' "$h" "$secs" "${runs:-?}" "${rate:-?}" \
    "$result"
done
exit $failed
