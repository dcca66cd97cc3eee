#!/usr/bin/env bash
# Sets everything up on a fresh machine, builds with warnings as errors, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# Besides the build's packages: promtool (prometheus) checks /metrics; clang, its sanitizer and
# libFuzzer runtimes and llvm-symbolizer build and run the sanitized tests and the fuzzers.
EXTRA_PACKAGES="prometheus clang libclang-rt-14-dev llvm-14" CMAKE_EXTRA="-DGRIDBOT_WERROR=ON" \
  scripts/setup.sh Debug
# One checked-in style (.clang-format, docs/conventions.md "Names and formatting"): a file that
# drifts fails here.
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run -Werror
# The @wecom/crypto interop oracle (tests/interop/wecom, pinned by its package-lock.json).
if command -v node >/dev/null && command -v npm >/dev/null; then
  npm ci --prefix tests/interop/wecom --no-audit --no-fund --silent \
    || echo "test: npm ci failed (offline?); the @wecom/crypto interop test is skipped"
else
  echo "test: node/npm not found; the @wecom/crypto interop test is skipped"
fi
cd build
ctest --output-on-failure --timeout 600 -j2
cd ..
# The same tests under ASan + UBSan, then every fuzz harness for 60 s (docs/fuzzing.md).
scripts/sanitize.sh 60
