// The end-to-end harness: child processes, a stub receiver and a client, all on loopback.
#include "harness.hpp"

#include "tests/support/bridge_request.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace gridbot::test {

StubReceiver::StubReceiver(http::Runtime& runtime) {
  server_ = std::make_unique<http::Server>(
      runtime, http::ServerOptions{},
      [this](HttpRequest req, std::function<void(HttpResponse)> reply) {
        const int st = status.load();
        if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
        {
          std::lock_guard lk(mu_);
          bodies_.push_back(req.body);
          if (st >= 200 && st < 300) {
            const std::string key(header_value(req.headers, "Idempotency-Key"));
            ++ok_[key];
            order_.push_back(key);
          }
        }
        reply(json_response(st, "{}"));
      });
  REQUIRE_FALSE(server_->listen());
}

std::map<std::string, int> StubReceiver::delivered_counts() const {
  std::lock_guard lk(mu_);
  return ok_;
}
std::vector<std::string> StubReceiver::delivered_order() const {
  std::lock_guard lk(mu_);
  return order_;
}
size_t StubReceiver::requests() const {
  std::lock_guard lk(mu_);
  return bodies_.size();
}
std::vector<std::string> StubReceiver::bodies() const {
  std::lock_guard lk(mu_);
  return bodies_;
}

std::string test_rules_dir(const TempDir& dir) {
  namespace fs = std::filesystem;
  const fs::path rules = dir.file("rules");
  if (fs::exists(rules)) return rules.string();
  fs::create_directories(rules);
  for (const auto& e : fs::directory_iterator(fs::path(GRIDBOT_SOURCE_DIR) / "rules"))
    if (e.path().filename() != "templates.json")
      fs::create_symlink(e.path(), rules / e.path().filename());
  // A copy, not a link: a test may edit it.
  fs::copy_file(fs::path(GRIDBOT_TEST_DATA) / "templates_test.json", rules / "templates.json");
  return rules.string();
}

GridbotProcess::GridbotProcess(const TempDir& dir, uint16_t outbound_port,
                               const std::string& extra_server, int max_in_flight,
                               double rate_per_minute)
    : dir_(dir), config_(dir.file("gridbot.json")) {
  const std::string src = GRIDBOT_SOURCE_DIR;
  std::ofstream f(config_);
  f << R"({
  "server": { "listen": "127.0.0.1", "port": 0, "drain_timeout_ms": 3000 )"
    << extra_server << R"( },
  "store": { "path": "e2e.db" },
  "outbox": { "backoff_initial_ms": 100, "backoff_max_ms": 500, "poll_ms": 50,
              "max_in_flight": )"
    << max_in_flight << R"( },
  "api": { "token": ")"
    << kApiToken << R"(" },
  "rules": { "dir": "${GRIDBOT_TEST_RULES:-)"
    << test_rules_dir(dir) << R"(}" },
  "org": { "files": [")"
    << src << R"(/config/demo/org.csv"] },
  "log": { "level": "warn" },
  "channels": [ { "name": "bridge", "type": "bridge", "secret": ")"
    << kBridgeSecret << R"(",
      "outbound_url": "http://127.0.0.1:)"
    << outbound_port << R"(/send",
      "bot_id": ")"
    << kBotId << R"(", "rate_per_minute": )" << rate_per_minute << R"( } ],
})";
}

GridbotProcess::~GridbotProcess() {
  if (pid_ > 0) kill_hard();
}

void GridbotProcess::start() {
  const std::string port_file = dir_.file("port");
  std::remove(port_file.c_str());
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    execl(GRIDBOT_BINARY, GRIDBOT_BINARY, "serve", "-c", config_.c_str(), "--port-file",
          port_file.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Up to a minute: loading the classifier's model takes seconds, many more under a sanitizer on
  // a loaded machine; the loop returns as soon as the port is written.
  for (int i = 0; i < 3000; ++i) {
    std::ifstream in(port_file);
    if (in >> port_ && port_ != 0) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL("gridbot exited during start-up");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("gridbot did not start listening");
}

void GridbotProcess::kill_hard() {
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void GridbotProcess::signal(int sig) { ::kill(pid_, sig); }

int GridbotProcess::terminate() {
  ::kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string GridbotProcess::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

TransportResult TestClient::request(HttpRequest r, int64_t timeout_ms) {
  std::promise<TransportResult> p;
  client_.send(std::move(r), timeout_ms,
               [&p](TransportResult res) { p.set_value(std::move(res)); });
  return p.get_future().get();
}

std::string message_body(const std::string& id, const std::string& room, const std::string& text,
                         bool mention_bot, const std::string& talker) {
  BridgeMessage m;
  m.id = id;
  m.room = room;
  m.talker = talker;
  m.name = talker;
  m.text = text;
  m.mention_bot = mention_bot;
  m.bot_id = kBotId;
  return bridge_body(m);
}

int64_t unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TransportResult TestClient::post_message(const std::string& url, const std::string& id,
                                         const std::string& room, const std::string& text,
                                         bool mention_bot, const std::string& secret,
                                         const std::string& talker) {
  HttpRequest r = signed_bridge_request(message_body(id, room, text, mention_bot, talker), secret,
                                        unix_now_s());
  r.url = url;
  return request(std::move(r));
}

TransportResult TestClient::api_get(const std::string& url) {
  HttpRequest r;
  r.method = "GET";
  r.url = url;
  r.headers = {{"Authorization", "Bearer " + kApiToken}};
  return request(std::move(r));
}

size_t count_of(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size()))
    ++n;
  return n;
}

}  // namespace gridbot::test
