// What every harness shares: the input as text, quiet logging, the shipped rule files, and a check
// that turns a broken invariant into a crash libFuzzer keeps (docs/fuzzing.md).
#pragma once

#include "base/common/log.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace gridbot::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Logs only errors: the parsers log a warning per refused request, which at a million inputs a
/// minute would be all the fuzzer does.
inline void quiet_logs() {
  static const bool once = gridbot::log::set_level("error");
  (void)once;
}

/// The repository's rules/ folder (compiled in; GRIDBOT_RULES_DIR overrides it).
inline std::string rules_dir() {
  if (const char* dir = std::getenv("GRIDBOT_RULES_DIR")) return dir;
  return std::string(GRIDBOT_SOURCE_DIR) + "/rules";
}

/// Dies when a loaded rule file is broken: a harness without its data would fuzz nothing.
[[noreturn]] inline void setup_failed(std::string_view what) {
  std::fprintf(stderr, "fuzz setup failed: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace gridbot::fuzz

/// An invariant of the code under test; a violation aborts, so libFuzzer saves the input.
#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
