// Logging front end: a thin fmt-based template forwarding to one compiled function (fmt's
// format/vformat split), so that only log.cpp pays for spdlog's headers (docs/conventions.md "Heavy
// headers").
#pragma once

#include <fmt/core.h>

#include <string_view>

namespace gridbot::log {

enum class level { debug, info, warn, error };

/// Writes one formatted line. Thread safety: safe from any thread (spdlog's logger is).
void vlog(level lvl, fmt::string_view format, fmt::format_args args);

/// Sets the minimum level; accepts "debug", "info", "warn", "error". Returns false on an unknown
/// name.
bool set_level(std::string_view name);

template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  vlog(level::debug, f, fmt::make_format_args(args...));
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  vlog(level::info, f, fmt::make_format_args(args...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  vlog(level::warn, f, fmt::make_format_args(args...));
}
template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  vlog(level::error, f, fmt::make_format_args(args...));
}

}  // namespace gridbot::log
