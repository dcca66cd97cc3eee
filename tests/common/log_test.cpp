#include "base/common/log.hpp"

#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace gridbot;

namespace {

// Lines written while it lives, in `format`; text and info again afterwards.
struct Captured {
  std::mutex mu;
  std::vector<std::string> lines;

  explicit Captured(const char* format) {
    REQUIRE(log::set_format(format));
    log::capture_for_test([this](std::string_view line) {
      std::lock_guard lk(mu);
      lines.emplace_back(line);
    });
  }
  ~Captured() {
    log::capture_for_test({});
    log::set_format("text");
    log::set_level("info");
  }
  std::string only() {
    std::lock_guard lk(mu);
    REQUIRE(lines.size() == 1);
    return lines[0];
  }
};

rapidjson::Document parse(const std::string& line) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(line.data(), line.size());
  INFO(line);
  REQUIRE_FALSE(d.HasParseError());
  REQUIRE(d.IsObject());
  return d;
}

std::string str(const rapidjson::Value& v, const char* key) {
  REQUIRE(v.HasMember(key));
  REQUIRE(v[key].IsString());
  return {v[key].GetString(), v[key].GetStringLength()};
}

}  // namespace

TEST_CASE("a json line is one JSON object with time, level, component, message and fields",
          "[log]") {
  Captured c("json");
  {
    log::RequestScope scope("3f2a9c0d11e4b7a8");
    // Text from outside: quotes, a line break, a control character, Chinese, invalid UTF-8.
    const std::string chat = "room \"5\"\n\x01楼";
    log::warn({"outbox", {{"outbox_id", 42}, {"chat", chat}, {"status", 503}}},
              "outbox: row {} to {}: {}", 42, chat, std::string("bad \xff\xfe byte"));
  }
  const std::string line = c.only();
  CHECK(line.find('\n') == std::string::npos);
  auto d = parse(line);
  CHECK(std::regex_match(str(d, "time"), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK(str(d, "level") == "warn");
  CHECK(str(d, "logger") == "gridbot");
  CHECK(str(d, "component") == "outbox");
  CHECK(str(d, "message") ==
        "outbox: row 42 to room \"5\"\n\x01楼: bad \xEF\xBF\xBD\xEF\xBF\xBD byte");
  CHECK(str(d, "chat") == "room \"5\"\n\x01楼");
  REQUIRE(d["outbox_id"].IsInt64());
  CHECK(d["outbox_id"].GetInt64() == 42);
  CHECK(d["status"].GetInt64() == 503);
  CHECK(str(d, "request_id") == "3f2a9c0d11e4b7a8");
}

TEST_CASE("a line's own request_id field wins over the thread's, and appears once", "[log]") {
  Captured c("json");
  log::RequestScope scope("thread-request");
  log::info({"outbox", {{"request_id", "row-request"}}}, "delivered");
  const std::string line = c.only();
  CHECK(str(parse(line), "request_id") == "row-request");
  CHECK(line.find("thread-request") == std::string::npos);
}

TEST_CASE("a json line without context or request has no component and no request_id", "[log]") {
  Captured c("json");
  log::error("store commit failed: {}", "disk full");
  auto d = parse(c.only());
  CHECK(str(d, "message") == "store commit failed: disk full");
  CHECK_FALSE(d.HasMember("component"));
  CHECK_FALSE(d.HasMember("request_id"));
}

TEST_CASE("text lines are unchanged: time, level, message, no fields", "[log]") {
  Captured c("text");
  log::RequestScope scope("3f2a9c0d11e4b7a8");
  log::info({"outbox", {{"outbox_id", 7}}}, "outbox: row {} to {} delivered in {} ms", 7, "r", 3);
  const std::string line = c.only();
  INFO(line);
  CHECK(std::regex_match(line, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} info )"
                                          R"(outbox: row 7 to r delivered in 3 ms)")));
}

TEST_CASE("the level filter applies to json lines too", "[log]") {
  Captured c("json");
  log::set_level("warn");
  log::info({"outbox", {}}, "not shown");
  log::warn("shown");
  CHECK(str(parse(c.only()), "message") == "shown");
}

TEST_CASE("unknown format names are refused", "[log]") {
  CHECK_FALSE(log::set_format("xml"));
  CHECK(log::set_format("text"));
}

TEST_CASE("request ids: fresh ones are 16 hex digits and differ, outside ones are checked",
          "[log]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = log::new_request_id();
    CHECK(std::regex_match(id, std::regex("[0-9a-f]{16}")));
    CHECK(log::valid_request_id(id));
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
  CHECK(log::valid_request_id("0f8fad5b-d9cb-469f-a165-70867728950e"));
  CHECK(log::valid_request_id("proxy.1:abc_DEF"));
  CHECK(log::valid_request_id(std::string(64, 'a')));
  CHECK_FALSE(log::valid_request_id(""));
  CHECK_FALSE(log::valid_request_id(std::string(65, 'a')));
  CHECK_FALSE(log::valid_request_id("a b"));
  CHECK_FALSE(log::valid_request_id("a\r\nX-Evil: 1"));
  CHECK_FALSE(log::valid_request_id("\"},{\"level\":\"error"));
  CHECK_FALSE(log::valid_request_id("请求"));
}

TEST_CASE("request scopes nest and restore", "[log]") {
  CHECK(log::request_id().empty());
  {
    log::RequestScope outer("a");
    CHECK(log::request_id() == "a");
    {
      log::RequestScope inner("b");
      CHECK(log::request_id() == "b");
    }
    CHECK(log::request_id() == "a");
  }
  CHECK(log::request_id().empty());
}

TEST_CASE("gathered lines reach stderr within 100 ms, warnings at once, in order", "[log]") {
  // stderr into a file for the test: not a terminal, so lines are gathered.
  char path[] = "/tmp/gridbot-log-test-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  std::fflush(stderr);
  const int saved = dup(2);
  dup2(fd, 2);
  auto text = [&] {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  log::gather_lines();
  log::info("gathered one");
  log::info("gathered two");
  const std::string right_after = text();
  log::warn("a warning");
  const std::string after_warning = text();
  log::info("gathered three");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const std::string later = text();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  close(fd);
  std::remove(path);
  CHECK(right_after.find("gathered one") == std::string::npos);  // one write for many lines
  CHECK(after_warning.find("gathered two") < after_warning.find("a warning"));
  CHECK(after_warning.find("gathered three") == std::string::npos);
  CHECK(later.find("gathered three") != std::string::npos);
}
