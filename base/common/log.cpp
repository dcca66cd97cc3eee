// The only translation unit that includes spdlog (docs/conventions.md "Heavy headers").
#include "base/common/log.hpp"

#include "base/common/json_writer.hpp"
#include "base/common/thread_name.hpp"
#include "base/common/utf8.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <random>
#include <thread>

namespace gridbot::log {
namespace {

constexpr const char* kTextPattern = "%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v";
// A json line is composed whole in vlog; the sinks only add the line end.
constexpr const char* kJsonPattern = "%v";

std::atomic<bool> json_format{false};
thread_local std::string current_request;

spdlog::logger& logger() {
  // Logs go to stderr so that CLI subcommands can keep stdout for their output.
  static auto instance = [] {
    auto l = spdlog::stderr_color_mt("gridbot");
    l->set_pattern(kTextPattern);
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

const char* level_name(level lvl) {
  switch (lvl) {
    case level::debug:
      return "debug";
    case level::info:
      return "info";
    case level::warn:
      return "warn";
    case level::error:
      return "error";
  }
  return "info";
}

// RFC 3339 in UTC with milliseconds: 2026-12-07T00:01:51.123Z.
std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms.count() % 1000);
}

// JSON text must be UTF-8, and a message may quote bytes from outside (a peer's error text):
// each byte that does not start a well-formed sequence becomes U+FFFD.
std::string json_line(level lvl, const Context* ctx, std::string_view message) {
  JsonWriter w;
  w.begin_object();
  w.key("time").value(utc_now());
  w.key("level").value(level_name(lvl));
  w.key("logger").value("gridbot");
  if (ctx != nullptr && !ctx->component.empty()) w.key("component").value(ctx->component);
  w.key("message").value(sanitize_utf8(message));
  bool named = false;
  if (ctx != nullptr)
    for (const Field& f : ctx->fields) {
      if (f.key == "request_id") {
        if (f.text.empty()) continue;  // a row from before request ids: fall back to the thread's
        named = true;
      }
      w.key(f.key);
      if (f.is_number)
        w.value(f.number);
      else
        w.value(sanitize_utf8(f.text));
    }
  if (!named && !current_request.empty()) w.key("request_id").value(current_request);
  w.end_object();
  return w.take();
}

void write(level lvl, const Context* ctx, fmt::string_view format, fmt::format_args args) {
  auto& l = logger();
  if (!l.should_log(to_spd(lvl))) return;
  const std::string message = fmt::vformat(format, args);
  // Text lines are the message alone, as they always were; the fields are for json.
  l.log(to_spd(lvl),
        json_format.load(std::memory_order_relaxed) ? json_line(lvl, ctx, message) : message);
}

// Hands each formatted line to a function (capture_for_test).
class CaptureSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit CaptureSink(std::function<void(std::string_view)> f) : f_(std::move(f)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    std::string_view line(buf.data(), buf.size());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    f_(line);
  }
  void flush_() override {}

 private:
  std::function<void(std::string_view)> f_;
};

// stderr lines gathered into one write (gather_lines): at once from warn up, else at 16 KiB or by
// the flusher below.
class GatherSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~GatherSink() override { flush_(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    pending_.append(line.data(), line.size());
    if (msg.level >= spdlog::level::warn || pending_.size() >= 16 * 1024) flush_();
  }
  void flush_() override {
    for (size_t done = 0; done < pending_.size();) {
      const ssize_t n = ::write(2, pending_.data() + done, pending_.size() - done);
      if (n <= 0 && errno != EINTR) break;  // nowhere to log to: drop, as fwrite would
      if (n > 0) done += static_cast<size_t>(n);
    }
    pending_.clear();
  }

 private:
  std::string pending_;
};

// Flushes the logger every 100 ms while the process runs; joined at exit, before the logger goes.
class Flusher {
 public:
  Flusher()
      : thread_([this] {
          name_this_thread("log-flush");
          std::unique_lock lk(mu_);
          while (!cv_.wait_for(lk, std::chrono::milliseconds(100), [&] { return stop_; }))
            logger().flush();
        }) {}
  ~Flusher() {
    {
      std::lock_guard lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    logger().flush();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

void gather_lines() {
  if (::isatty(2)) return;  // a person watching gets each line as it comes
  auto& sinks = logger().sinks();
  for (auto& s : sinks)
    if (dynamic_cast<CaptureSink*>(s.get()) == nullptr) {
      s = std::make_shared<GatherSink>();
      s->set_pattern(json_format.load() ? kJsonPattern : kTextPattern);
    }
  static Flusher flusher;
}

void vlog(level lvl, fmt::string_view format, fmt::format_args args) {
  write(lvl, nullptr, format, args);
}

void vlog(level lvl, const Context& ctx, fmt::string_view format, fmt::format_args args) {
  write(lvl, &ctx, format, args);
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

bool set_format(std::string_view name) {
  if (name != "text" && name != "json") return false;
  const bool json = name == "json";
  json_format.store(json);
  logger().set_pattern(json ? kJsonPattern : kTextPattern);
  return true;
}

std::string new_request_id() {
  thread_local std::mt19937_64 gen = [] {
    std::random_device rd;
    std::seed_seq seq{
        rd(),
        rd(),
        rd(),
        rd(),
        static_cast<unsigned>(std::hash<std::thread::id>{}(std::this_thread::get_id())),
        static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count())};
    return std::mt19937_64(seq);
  }();
  return fmt::format("{:016x}", gen());
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':';
  });
}

const std::string& request_id() { return current_request; }

RequestScope::RequestScope(std::string id) : previous_(std::move(current_request)) {
  current_request = std::move(id);
}

RequestScope::~RequestScope() { current_request = std::move(previous_); }

void capture_for_test(std::function<void(std::string_view)> sink) {
  auto& sinks = logger().sinks();
  sinks.erase(std::remove_if(sinks.begin(), sinks.end(),
                             [](const auto& s) { return dynamic_cast<CaptureSink*>(s.get()); }),
              sinks.end());
  if (!sink) return;
  auto capture = std::make_shared<CaptureSink>(std::move(sink));
  capture->set_pattern(json_format.load() ? kJsonPattern : kTextPattern);
  sinks.push_back(std::move(capture));
}

}  // namespace gridbot::log
