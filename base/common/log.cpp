// The only translation unit that includes spdlog (docs/conventions.md "Heavy headers").
#include "base/common/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace gridbot::log {
namespace {

spdlog::logger& logger() {
  // Logs go to stderr so that CLI subcommands can keep stdout for their output.
  static auto instance = [] {
    auto l = spdlog::stderr_color_mt("gridbot");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    return l;
  }();
  return *instance;
}

spdlog::level::level_enum to_spd(level lvl) {
  switch (lvl) {
    case level::debug:
      return spdlog::level::debug;
    case level::info:
      return spdlog::level::info;
    case level::warn:
      return spdlog::level::warn;
    case level::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void vlog(level lvl, fmt::string_view format, fmt::format_args args) {
  auto& l = logger();
  if (!l.should_log(to_spd(lvl))) return;
  l.log(to_spd(lvl), fmt::vformat(format, args));
}

bool set_level(std::string_view name) {
  if (name == "debug")
    logger().set_level(spdlog::level::debug);
  else if (name == "info")
    logger().set_level(spdlog::level::info);
  else if (name == "warn")
    logger().set_level(spdlog::level::warn);
  else if (name == "error")
    logger().set_level(spdlog::level::err);
  else
    return false;
  return true;
}

}  // namespace gridbot::log
