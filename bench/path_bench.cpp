// Whole-path benchmark: what a user runs. The real gridbot binary serves the demo org (its 64
// building groups each reachable by the bridge and by a WeCom AI bot), and receives distinct
// signed bridge posts and encrypted AI-bot callbacks — about a third reports (new tickets, and
// more merging into open ones), a few heads' commands (待办, 受理), the rest chatter. Every answer
// and relay is delivered to a stub platform in this process; a run ends when the outbox has
// drained (or a timeout) and prints how many deliveries completed. In the same run, with the same
// requests and connections: a bare Beast handler answering 200 (the ceiling), the Node.js peer
// (node http + @wecom/crypto: verify, decrypt, parse, answer; nothing stored) when node and its
// package are installed, and the inbox alone (verify, parse, durable commit; no processing).
// Loopback only. The load generator is one epoll thread keeping one request in flight per
// connection.
//
// Usage: path_bench GRIDBOT_BINARY [requests=20000] [connections=8,64,256]
#include "adapters/bridge/adapter.hpp"
#include "adapters/wecom/aibot_adapter.hpp"
#include "adapters/wecom/msg_crypt.hpp"
#include "base/common/clock.hpp"
#include "bot/api/router.hpp"
#include "bot/channels/channel_table.hpp"
#include "bot/http/runtime.hpp"
#include "bot/http/server.hpp"
#include "bot/intake/inbox.hpp"
#include "bot/store/store.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace gridbot;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

const std::string kBridgeSecret = "bench-bridge-secret-01";
const std::string kToken = "benchToken";
const std::string kAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const std::string kApiToken = "bench-api-token-0123456789";
const std::string kBotName = "网格助手";

// ---- sockets -------------------------------------------------------------------------------

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// One whole response at the front of `buf`: its status and length, or nullopt.
std::optional<std::pair<int, size_t>> complete_response(const std::string& buf) {
  const auto end = buf.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  size_t len = 0;
  for (size_t p = buf.find("\r\n"); p < end; p = buf.find("\r\n", p + 2))
    if (strncasecmp(buf.c_str() + p + 2, "content-length:", 15) == 0)
      len = std::strtoul(buf.c_str() + p + 17, nullptr, 10);
  if (buf.size() < end + 4 + len) return std::nullopt;
  return std::make_pair(std::atoi(buf.c_str() + 9), end + 4 + len);
}

// A blocking GET (the metrics scrape); returns the body, empty on failure.
std::string http_get(uint16_t port, const std::string& target) {
  int fd = connect_to(port);
  const std::string req = "GET " + target +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kApiToken +
                          "\r\nConnection: close\r\n\r\n";
  if (::write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) return {};
  std::string buf;
  char tmp[65536];
  for (ssize_t n; (n = ::read(fd, tmp, sizeof tmp)) > 0;) buf.append(tmp, static_cast<size_t>(n));
  ::close(fd);
  const auto end = buf.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : buf.substr(end + 4);
}

struct Run {
  double rate = 0;
  double p50_ms = 0, p99_ms = 0;
  size_t failed = 0;
  int bad_status = 0;  // the first status other than 200
};

// Sends every request once over `connections` keep-alive connections, one in flight on each.
Run drive(uint16_t port, const std::vector<std::string>& requests, int connections) {
  struct Conn {
    int fd = -1;
    size_t req = 0, off = 0;
    std::string in;
    Steady::time_point t0;
  };
  const int ep = epoll_create1(0);
  std::vector<Conn> conns(static_cast<size_t>(connections));
  std::vector<double> lat;
  lat.reserve(requests.size());
  size_t next = 0, done = 0, failed = 0;
  int bad_status = 0;
  auto flush = [&](Conn& c) {
    const std::string& r = requests[c.req];
    while (c.off < r.size()) {
      const ssize_t n = ::write(c.fd, r.data() + c.off, r.size() - c.off);
      if (n <= 0) break;
      c.off += static_cast<size_t>(n);
    }
    epoll_event ev{};
    ev.events = EPOLLIN | (c.off < r.size() ? EPOLLOUT : 0u);
    ev.data.ptr = &c;
    epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
  };
  auto start_next = [&](Conn& c) {
    if (next >= requests.size()) return;
    c.req = next++;
    c.off = 0;
    c.t0 = Steady::now();
    flush(c);
  };
  const auto start = Steady::now();
  for (auto& c : conns) {
    c.fd = connect_to(port);
    fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
    start_next(c);
  }
  const auto deadline = start + std::chrono::minutes(3);
  std::vector<epoll_event> events(conns.size());
  while (done < requests.size() && Steady::now() < deadline) {
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 1000);
    for (int i = 0; i < n; ++i) {
      Conn& c = *static_cast<Conn*>(events[static_cast<size_t>(i)].data.ptr);
      if (events[static_cast<size_t>(i)].events & EPOLLOUT) flush(c);
      char tmp[16384];
      for (ssize_t got; (got = ::read(c.fd, tmp, sizeof tmp)) > 0;)
        c.in.append(tmp, static_cast<size_t>(got));
      while (auto r = complete_response(c.in)) {
        lat.push_back(std::chrono::duration<double, std::milli>(Steady::now() - c.t0).count());
        if (r->first != 200 && failed++ == 0) bad_status = r->first;
        c.in.erase(0, r->second);
        ++done;
        start_next(c);
      }
    }
  }
  const double secs = std::chrono::duration<double>(Steady::now() - start).count();
  for (auto& c : conns) ::close(c.fd);
  ::close(ep);
  Run out;
  out.failed = failed + (requests.size() - done);
  out.bad_status = bad_status;
  out.rate = static_cast<double>(done) / secs;
  std::sort(lat.begin(), lat.end());
  if (!lat.empty()) {
    out.p50_ms = lat[lat.size() / 2];
    out.p99_ms = lat[std::min(lat.size() - 1, lat.size() * 99 / 100)];
  }
  return out;
}

// ---- the requests --------------------------------------------------------------------------

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

struct Texts {
  std::vector<std::string> reports, chatter;
};

// Labelled chat from tests/data/messages.tsv: reports without a place of their own (the group
// names the building), and chatter.
Texts load_texts() {
  std::ifstream in(std::string(GRIDBOT_SOURCE_DIR) + "/tests/data/messages.tsv");
  Texts t;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, '\t');) f.push_back(x);
    if (f.size() < 7 || f[1].find_first_of("\"\\") != std::string::npos) continue;
    if (f[2] == "1" && f[6] == "-" && t.reports.size() < 40) t.reports.push_back(f[1]);
    if (f[2] == "0" && t.chatter.size() < 80) t.chatter.push_back(f[1]);
  }
  if (t.reports.empty() || t.chatter.empty()) {
    std::fprintf(stderr, "no texts in tests/data/messages.tsv\n");
    std::exit(1);
  }
  return t;
}

std::string bridge_request(const std::string& id, const std::string& room,
                           const std::string& talker, const std::string& text,
                           const std::string& ts) {
  const std::string body = R"({"id":")" + id + R"(","room":{"id":")" + room +
                           R"(","topic":"业主群"},"talker":{"id":")" + talker +
                           R"(","name":"居民"},"text":")" + json_escape(text) +
                           R"(","mentions":[],"timestamp":)" + ts + "}";
  return "POST /hook/bridge HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "X-Gridbot-Timestamp: " +
         ts + "\r\nX-Gridbot-Signature: " + adapters::bridge::sign(kBridgeSecret, ts, body) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string aibot_request(const adapters::wecom::MsgCrypt& crypt, const std::string& id,
                          const std::string& chat, const std::string& user, const std::string& text,
                          const std::string& ts, uint16_t stub_port) {
  const std::string json = R"({"msgid":")" + id + R"(","aibotid":"AIBOTBENCH","chatid":")" + chat +
                           R"(","chattype":"group","from":{"userid":")" + user +
                           R"("},"msgtype":"text","text":{"content":"@)" + kBotName + " " +
                           json_escape(text) + R"("},"response_url":"http://127.0.0.1:)" +
                           std::to_string(stub_port) +
                           "/cgi-bin/aibot/response?response_code=" + id + R"("})";
  const std::string encrypt = crypt.encrypt(json, "");
  const std::string nonce = "n" + id;
  const std::string body = R"({"encrypt":")" + encrypt + R"("})";
  return "POST /hook/wecom-bot?msg_signature=" + crypt.signature(ts, nonce, encrypt) +
         "&timestamp=" + ts + "&nonce=" + nonce +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

struct Mix {
  size_t reports = 0, commands = 0, chatter = 0, wecom = 0;
};

// `count` distinct requests tagged `tag`: a third reports, 3% heads' commands (bridge, in their
// grid's group), the rest chatter; reports and chatter alternate between the bridge and the AI
// bot over the 64 building groups.
std::vector<std::string> make_requests(const Texts& t, const std::string& tag, int count,
                                       uint16_t stub_port, Mix* mix = nullptr) {
  auto crypt = adapters::wecom::MsgCrypt::create(kToken, kAesKey);
  const std::string ts = std::to_string(std::time(nullptr));
  uint64_t rng = 0x9e3779b97f4a7c15ULL;
  auto rand = [&](uint64_t n) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng >> 33) % n;
  };
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(count));
  Mix m;
  for (int i = 0; i < count; ++i) {
    const std::string id = tag + "-" + std::to_string(i);
    const auto roll = rand(100);
    if (roll < 3) {
      const auto g = std::to_string(rand(7) + 1);
      const std::string text = roll < 2 ? "待办" : "受理 #" + std::to_string(1001 + rand(300));
      out.push_back(bridge_request(id, "room-g" + g, "wxid_g" + g + "_head", text, ts));
      ++m.commands;
      continue;
    }
    const bool report = roll < 36;
    const std::string& text =
        report ? t.reports[rand(t.reports.size())] : t.chatter[rand(t.chatter.size())];
    ++(report ? m.reports : m.chatter);
    const auto b = std::to_string(rand(64) + 1);
    const auto who = std::to_string(rand(40));
    if (i % 2 == 0) {
      out.push_back(bridge_request(id, "room-b" + b, "wxid_r" + b + "_" + who, text, ts));
    } else {
      out.push_back(
          aibot_request(*crypt, id, "wrk-b" + b, "r" + b + "-" + who, text, ts, stub_port));
      ++m.wecom;
    }
  }
  if (mix) *mix = m;
  return out;
}

// ---- the servers ---------------------------------------------------------------------------

// The platforms: every delivery gridbot makes lands here and is answered as delivered.
struct Stub {
  std::atomic<size_t> bridge{0}, wecom{0};
  std::unique_ptr<http::Server> server;
  explicit Stub(http::Runtime& rt) {
    server = std::make_unique<http::Server>(
        rt, http::ServerOptions{}, [this](HttpRequest req, auto reply) {
          ++(req.target.rfind("/cgi-bin/", 0) == 0 ? wecom : bridge);
          reply(json_response(200, R"({"ok":true,"errcode":0,"errmsg":"ok"})"));
        });
    if (server->listen()) std::exit(1);
  }
  size_t total() const { return bridge + wecom; }
};

pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

uint16_t wait_port(pid_t pid, const fs::path& port_file) {
  for (int i = 0; i < 3000; ++i) {
    std::ifstream in(port_file);
    int port = 0;
    if (in >> port && port != 0) return static_cast<uint16_t>(port);
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

void stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
}

// The demo org with each building group also on the AI bot (chat wrk-<building>).
void write_org(const fs::path& to) {
  std::ifstream in(std::string(GRIDBOT_SOURCE_DIR) + "/config/demo/org.csv");
  std::ofstream out(to);
  for (std::string line; std::getline(in, line);) {
    // id,parent,level,name,households,groups,…: append to the sixth field of building rows.
    size_t at[6] = {};
    size_t n = 0;
    for (size_t p = 0; n < 6 && (p = line.find(',', p)) != std::string::npos; ++p) at[n++] = p;
    if (n == 6 && line[0] != '#' && line.compare(at[1] + 1, at[2] - at[1] - 1, "building") == 0)
      line.insert(at[5], ";wecom-bot:wrk-" + line.substr(0, at[0]));
    out << line << "\n";
  }
}

// The demo's configuration with delivery limits off (the stub takes everything at once) and
// logs at info into a file, as a deployment writes them. A follow-up's 补充 goes up at once
// (follow_up_delay_s 0): held back a minute, it would keep the outbox from draining for that
// minute after the last answer, and the run would not count it as delivered.
void write_config(const fs::path& dir, uint16_t stub_port) {
  const std::string src = GRIDBOT_SOURCE_DIR;
  std::ofstream f(dir / "gridbot.json");
  f << R"({
  "server": { "listen": "127.0.0.1", "port": 0, "threads": 2 },
  "store": { "path": ")"
    << (dir / "gridbot.db").string() << R"(" },
  "api": { "token": ")"
    << kApiToken << R"(" },
  "tickets": { "follow_up_delay_s": 0 },
  "console": { "web_dir": ")"
    << src << R"(/web" },
  "rules": { "dir": ")"
    << src << R"(/rules" },
  "org": { "files": [")"
    << (dir / "org.csv").string() << R"("] },
  "log": { "level": "${GRIDBOT_LOG:-info}" },
  "channels": [
    { "name": "bridge", "type": "bridge", "secret": ")"
    << kBridgeSecret << R"(", "bot_id": "wxid_gridbot", "rate_per_minute": 1e9,
      "outbound_url": "http://127.0.0.1:)"
    << stub_port << R"(/send" },
    { "name": "wecom-bot", "type": "wecom_aibot", "token": ")"
    << kToken << R"(", "encoding_aes_key": ")" << kAesKey << R"(", "bot_name": ")" << kBotName
    << R"(", "rate_per_minute": 1e9, "base_url": "http://127.0.0.1:)" << stub_port << R"(" }
  ]
})";
}

// Sum of the metric's samples whose labels contain `labels`.
double metric(const std::string& text, const std::string& name, const std::string& labels = "") {
  double sum = 0;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);)
    if (line.rfind(name, 0) == 0 && (line[name.size()] == '{' || line[name.size()] == ' ') &&
        line.find(labels) != std::string::npos)
      sum += std::atof(line.c_str() + line.rfind(' ') + 1);
  return sum;
}

// Waits until gridbot's outbox holds nothing (or timeout_s); returns false on time-out.
bool drain(uint16_t port, int timeout_s) {
  const auto end = Steady::now() + std::chrono::seconds(timeout_s);
  while (Steady::now() < end) {
    const std::string m = http_get(port, "/metrics");
    if (!m.empty() && metric(m, "gridbot_outbox_depth") == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void print_line(const char* name, const Run& r, double bare, double node) {
  std::printf("  %-34s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms", name, r.rate, r.p50_ms, r.p99_ms);
  if (bare > 0 && r.rate != bare) std::printf("  /bare %.2f", r.rate / bare);
  if (node > 0 && r.rate != node) std::printf("  /node %.2f", r.rate / node);
  if (r.failed) std::printf("  (%zu not 200, first %d)", r.failed, r.bad_status);
  std::printf("\n");
}

// The inbox alone, in this process: verify, parse, durable commit, no processing.
Run inbox_only(const fs::path& dir, const std::vector<std::string>& warm,
               const std::vector<std::string>& requests, int connections, uint16_t stub_port) {
  fs::create_directories(dir);
  // Its log lines (info, as gridbot's) go to a file, as the binary's do.
  std::fflush(stderr);
  const int saved_stderr = dup(2);
  const int log_fd = ::open((dir / "inbox.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(log_fd, 2);
  std::string err;
  auto store = store::open_sqlite_store((dir / "inbox.db").string(), {}, &err);
  if (!store) {
    std::fprintf(stderr, "%s\n", err.c_str());
    std::exit(1);
  }
  channels::ChannelTable channels;
  config::ChannelConfig bc;
  bc.name = bc.type = "bridge";
  adapters::bridge::Options bo;
  bo.secret = kBridgeSecret;
  bo.outbound_url = "http://127.0.0.1:" + std::to_string(stub_port) + "/send";
  channels.add_for_test(bc, std::make_unique<adapters::bridge::BridgeAdapter>(bo));
  config::ChannelConfig wc;
  wc.name = "wecom-bot";
  wc.type = "wecom_aibot";
  adapters::wecom::AibotOptions wo;
  wo.bot_name = kBotName;
  wo.base_url = "http://127.0.0.1:" + std::to_string(stub_port);
  channels.add_for_test(wc, std::make_unique<adapters::wecom::AibotAdapter>(
                                adapters::wecom::MsgCrypt::create(kToken, kAesKey).value(), wo));
  SystemClock clock;
  intake::Inbox inbox(channels, *store, clock);
  api::Router router(inbox, *store, "", nullptr);
  http::Runtime runtime;
  http::Server server(runtime, {}, [&router](HttpRequest req, auto reply) {
    router.handle(req, std::move(reply));
  });
  if (server.listen()) std::exit(1);
  runtime.start(2);
  drive(server.port(), warm, connections);
  const Run r = drive(server.port(), requests, connections);
  store->close();
  runtime.stop();
  std::fflush(stderr);
  dup2(saved_stderr, 2);
  ::close(saved_stderr);
  ::close(log_fd);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: path_bench GRIDBOT_BINARY [requests=20000] [connections=8,64,256]\n");
    return 64;
  }
  signal(SIGPIPE, SIG_IGN);
  const std::string gridbot = fs::absolute(argv[1]).string();
  const int count = argc > 2 ? std::atoi(argv[2]) : 20000;
  std::vector<int> conn_counts;
  {
    std::stringstream ss(argc > 3 ? argv[3] : "8,64,256");
    for (std::string x; std::getline(ss, x, ',');) conn_counts.push_back(std::atoi(x.c_str()));
  }
  const fs::path dir =
      fs::temp_directory_path() / ("gridbot-path-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const Texts texts = load_texts();

  http::Runtime stub_rt;
  Stub stub(stub_rt);
  http::Runtime bare_rt;
  http::Server bare(bare_rt, {}, [](HttpRequest, std::function<void(HttpResponse)> reply) {
    reply(json_response(200, R"({"ok":true})"));
  });
  if (bare.listen()) return 1;
  stub_rt.start(1);
  bare_rt.start(2);
  write_org(dir / "org.csv");
  write_config(dir, stub.server->port());

  const std::string peer = std::string(GRIDBOT_SOURCE_DIR) + "/bench/node_peer";
  const bool have_node = std::system("command -v node >/dev/null 2>&1") == 0 &&
                         fs::exists(peer + "/node_modules/@wecom/crypto");
  if (!have_node)
    std::printf("node peer skipped: no node, or run: npm ci --prefix bench/node_peer\n");

  for (const int c : conn_counts) {
    const std::string tag = "c" + std::to_string(c);
    Mix mix;
    const auto warm = make_requests(texts, tag + "w", std::min(count, 2000), stub.server->port());
    auto requests = make_requests(texts, tag, count, stub.server->port(), &mix);
    std::printf(
        "path bench: %d requests (%zu WeCom AI-bot callbacks, the rest bridge posts; %zu "
        "reports, %zu commands, %zu chatter), %d connections\n",
        count, mix.wecom, mix.reports, mix.commands, mix.chatter, c);

    drive(bare.port(), warm, c);
    const Run bare_run = drive(bare.port(), requests, c);

    Run node_run;
    if (have_node) {
      const fs::path pf = dir / "node.port";
      fs::remove(pf);
      const pid_t pid =
          spawn({"node", peer + "/server.mjs", pf.string(), kBridgeSecret, kToken, kAesKey},
                (dir / "node.log").string());
      if (const uint16_t port = wait_port(pid, pf)) {
        drive(port, warm, c);
        node_run = drive(port, requests, c);
      }
      stop(pid);
    }

    // The whole path: a fresh store each time, so every connection count starts alike.
    fs::remove(dir / "gridbot.db");
    fs::remove(dir / "gridbot.db-wal");
    fs::remove(dir / "gridbot.db-shm");
    const fs::path pf = dir / "gridbot.port";
    fs::remove(pf);
    const pid_t pid =
        spawn({gridbot, "serve", "-c", (dir / "gridbot.json").string(), "--port-file", pf.string()},
              (dir / ("gridbot-" + tag + ".log")).string());
    const uint16_t port = wait_port(pid, pf);
    if (port == 0) {
      std::fprintf(stderr, "gridbot did not start: see %s\n",
                   (dir / ("gridbot-" + tag + ".log")).c_str());
      return 1;
    }
    drive(port, warm, c);
    drain(port, 60);
    const size_t bridge_before = stub.bridge, wecom_before = stub.wecom;
    const std::string m0 = http_get(port, "/metrics");
    const double delivered_before =
        metric(m0, "gridbot_outbox_sends_total", "result=\"delivered\"");
    const Run full = drive(port, requests, c);
    const auto answered = Steady::now();
    const bool drained = drain(port, 120);
    const double drain_s = std::chrono::duration<double>(Steady::now() - answered).count();
    const std::string m = http_get(port, "/metrics");
    const double delivered =
        metric(m, "gridbot_outbox_sends_total", "result=\"delivered\"") - delivered_before;
    const double other = metric(m, "gridbot_outbox_sends_total") -
                         metric(m, "gridbot_outbox_sends_total", "result=\"delivered\"");
    // The writer's side of the run: how many commits, how full, how long each took.
    auto delta = [&](const char* name, const std::string& labels = "") {
      return metric(m, name, labels) - metric(m0, name, labels);
    };
    const double commits = delta("gridbot_store_commit_seconds_count");
    const double syncs = delta("gridbot_store_sync_seconds_count");
    stop(pid);

    const Run inbox = inbox_only(dir / ("inbox-" + tag), warm, requests, c, stub.server->port());
    const double node_rate = have_node ? node_run.rate : 0;
    print_line("bare Beast (200, no work)", bare_run, 0, 0);
    if (have_node) print_line("node http + @wecom/crypto", node_run, bare_run.rate, 0);
    print_line("gridbot, whole path", full, bare_run.rate, node_rate);
    std::printf(
        "    deliveries completed: %zu at the stub (%zu bridge, %zu AI-bot replies), %.0f "
        "delivered per the outbox, %.0f not delivered in the whole run; outbox %s %.2f s after "
        "the last answer\n",
        stub.total() - bridge_before - wecom_before, stub.bridge - bridge_before,
        stub.wecom - wecom_before, delivered, other,
        drained ? "drained" : "NOT drained (timed out)", drain_s);
    if (commits > 0)
      std::printf(
          "    store: %.0f commits, %.1f writes each, %.2f ms each (work and WAL write); %.0f "
          "fsyncs, %.2f ms each\n",
          commits, delta("gridbot_store_commit_batch_size_sum") / commits,
          1000 * delta("gridbot_store_commit_seconds_sum") / commits, syncs,
          syncs > 0 ? 1000 * delta("gridbot_store_sync_seconds_sum") / syncs : 0.0);
    const double bg = delta("gridbot_store_checkpoint_seconds_count", "by=\"checkpointer\"");
    const double bg_s = delta("gridbot_store_checkpoint_seconds_sum", "by=\"checkpointer\"");
    const double wr = delta("gridbot_store_checkpoint_seconds_count", "by=\"writer\"");
    const double wr_s = delta("gridbot_store_checkpoint_seconds_sum", "by=\"writer\"");
    std::printf(
        "    checkpoints: %.0f by the checkpointer (%.2f ms each), %.0f by the writer (%.2f ms "
        "each)\n",
        bg, bg > 0 ? 1000 * bg_s / bg : 0.0, wr, wr > 0 ? 1000 * wr_s / wr : 0.0);
    print_line("inbox only (verify+parse+commit)", inbox, bare_run.rate, node_rate);
    std::fflush(stdout);
  }
  stub_rt.stop();
  bare_rt.stop();
  fs::remove_all(dir);
  return 0;
}
