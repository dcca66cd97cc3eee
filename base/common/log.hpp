// Logging front end: a thin fmt-based template forwarding to one compiled function (fmt's
// format/vformat split), so that only log.cpp pays for spdlog's headers (docs/conventions.md "Heavy
// headers").
//
// A line may name its component and carry structured fields; the text format (the default) shows
// the message alone, the json format one JSON object with the component and the fields as keys. The
// request a thread works for (RequestScope) is added to every json line as request_id, so one
// message can be followed from the hook to its deliveries (docs/deploy.md "Logs").
#pragma once

#include <fmt/core.h>

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

namespace gridbot::log {

enum class level { debug, info, warn, error };

/// One structured field: a key chosen by the code (never from outside input) and a text or
/// integer value. Views only: a Field lives for the one call it is written in.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), text(v) {}
  Field(std::string_view k, const std::string& v) : key(k), text(v) {}
  Field(std::string_view k, const char* v) : key(k), text(v) {}
  template <std::integral T>
  requires(!std::same_as<T, bool>) Field(std::string_view k, T v)
      : key(k), number(static_cast<int64_t>(v)), is_number(true) {}

  std::string_view key;
  std::string_view text;
  int64_t number = 0;
  bool is_number = false;
};

/// What a line is about: the component that writes it ("outbox", "hook", …) and its fields. A
/// non-empty "request_id" field names the line's request instead of the thread's current one.
struct Context {
  std::string_view component;
  std::initializer_list<Field> fields = {};
};

/// Writes one formatted line. Thread safety: safe from any thread (spdlog's logger is).
void vlog(level lvl, fmt::string_view format, fmt::format_args args);
void vlog(level lvl, const Context& ctx, fmt::string_view format, fmt::format_args args);

/// Sets the minimum level; accepts "debug", "info", "warn", "error". Returns false on an unknown
/// name.
bool set_level(std::string_view name);

/// Sets the line format; accepts "text" and "json". Returns false on an unknown name. Call
/// before other threads log.
bool set_format(std::string_view name);

/// For a serving process, where every request writes lines: when stderr is not a terminal, info
/// and debug lines are gathered and written together every 100 ms (or at 16 KiB) instead of one
/// system call each; a warning or an error writes everything gathered at once, and so does the
/// end of the process. A process killed with SIGKILL loses at most the last 100 ms of info lines.
/// Call before other threads log.
void gather_lines();

/// A fresh request id: 16 lowercase hex digits from a per-thread random generator.
std::string new_request_id();

/// An id accepted from outside (a proxy's X-Request-Id): 1 to 64 characters of A-Z a-z 0-9 and
/// "-_.:", so that it can go into a header, a log line and the store unchanged.
bool valid_request_id(std::string_view id);

/// The request this thread is working for ("" when none).
const std::string& request_id();

/// Makes `id` the thread's current request until the scope ends, then restores the previous one.
class RequestScope {
 public:
  explicit RequestScope(std::string id);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  std::string previous_;
};

/// Test hook: every line written from now on is also handed to `sink`, exactly as formatted
/// (without the line end); an empty function stops the capture. Not safe while other threads log.
void capture_for_test(std::function<void(std::string_view line)> sink);

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

template <typename... Args>
void debug(const Context& c, fmt::format_string<Args...> f, Args&&... args) {
  vlog(level::debug, c, f, fmt::make_format_args(args...));
}
template <typename... Args>
void info(const Context& c, fmt::format_string<Args...> f, Args&&... args) {
  vlog(level::info, c, f, fmt::make_format_args(args...));
}
template <typename... Args>
void warn(const Context& c, fmt::format_string<Args...> f, Args&&... args) {
  vlog(level::warn, c, f, fmt::make_format_args(args...));
}
template <typename... Args>
void error(const Context& c, fmt::format_string<Args...> f, Args&&... args) {
  vlog(level::error, c, f, fmt::make_format_args(args...));
}

}  // namespace gridbot::log
