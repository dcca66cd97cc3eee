// Inbound-path benchmark (issue 2): signed bridge messages over keep-alive connections, first
// against a bare Beast handler that answers 200 (the baseline), then against the full inbound
// path (verify + parse + durable group commit with fsync), both in this run. Prints both rates
// and their ratio. The load generator uses plain blocking sockets, one connection per thread.
#include "adapters/bridge/adapter.hpp"
#include "base/common/clock.hpp"
#include "bot/channels/channel_table.hpp"
#include "bot/intake/inbox.hpp"
#include "bot/api/router.hpp"
#include "bot/http/runtime.hpp"
#include "bot/http/server.hpp"
#include "bot/store/store.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

using namespace gridbot;

namespace {

const std::string kSecret = "bench-bridge-secret-01";

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

// Reads one HTTP response; returns its status, or -1.
int read_response(int fd, std::string& buf) {
  for (;;) {
    auto end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t len = 0;
      auto cl = buf.find("Content-Length: ");
      if (cl == std::string::npos) cl = buf.find("content-length: ");
      if (cl != std::string::npos && cl < end)
        len = std::strtoul(buf.c_str() + cl + 16, nullptr, 10);
      if (buf.size() >= end + 4 + len) {
        int status = std::atoi(buf.c_str() + 9);
        buf.erase(0, end + 4 + len);
        return status;
      }
    }
    char tmp[4096];
    ssize_t n = ::read(fd, tmp, sizeof tmp);
    if (n <= 0) return -1;
    buf.append(tmp, static_cast<size_t>(n));
  }
}

std::vector<std::string> make_requests(int count, int offset) {
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(count));
  const auto ts = std::to_string(std::time(nullptr));
  for (int i = 0; i < count; ++i) {
    const std::string body =
        R"({"id":"bench-)" + std::to_string(offset + i) + R"(","room":{"id":"room-b)" +
        std::to_string(i % 64 + 1) + R"(","topic":"5栋业主群"},"talker":{"id":"wxid_r)" +
        std::to_string(i % 500) +
        R"(","name":"李阿姨"},"text":"5栋2单元楼道灯坏了好几天了，晚上下楼黑黢黢的","mentions":[],"timestamp":)" +
        ts + "}";
    out.push_back(
        "POST /hook/bridge HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "X-Gridbot-Timestamp: " +
        ts + "\r\nX-Gridbot-Signature: " + adapters::bridge::sign(kSecret, ts, body) +
        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }
  return out;
}

double drive(uint16_t port, const std::vector<std::string>& requests, int connections) {
  std::atomic<size_t> next{0};
  std::atomic<int> bad{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c)
    threads.emplace_back([&] {
      int fd = connect_to(port);
      std::string buf;
      for (size_t i; (i = next.fetch_add(1)) < requests.size();) {
        const auto& r = requests[i];
        if (::write(fd, r.data(), r.size()) != static_cast<ssize_t>(r.size()) ||
            read_response(fd, buf) != 200)
          ++bad;
      }
      ::close(fd);
    });
  for (auto& t : threads) t.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (bad) std::fprintf(stderr, "warning: %d requests failed\n", bad.load());
  return static_cast<double>(requests.size()) / secs;
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 20000;
  const int connections = argc > 2 ? std::atoi(argv[2]) : 32;
  auto dir = std::filesystem::temp_directory_path() / ("gridbot-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);

  http::Runtime runtime;
  http::Server bare(runtime, {}, [](HttpRequest, std::function<void(HttpResponse)> reply) {
    reply(json_response(200, R"({"ok":true})"));
  });
  if (bare.listen()) return 1;

  std::string err;
  auto store = store::open_sqlite_store((dir / "bench.db").string(), {}, &err);
  if (!store) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  gridbot::channels::ChannelTable channels;
  config::ChannelConfig cc;
  cc.name = "bridge";
  cc.type = "bridge";
  adapters::bridge::Options o;
  o.secret = kSecret;
  o.outbound_url = "http://127.0.0.1:9/send";
  channels.add_for_test(cc, std::make_unique<adapters::bridge::BridgeAdapter>(o));
  SystemClock clock;
  gridbot::intake::Inbox pipeline(channels, *store, clock);
  gridbot::api::Router router(pipeline, *store, "", nullptr);
  http::Server full(runtime, {},
                    [&router](HttpRequest req, std::function<void(HttpResponse)> reply) {
                      router.handle(req, std::move(reply));
                    });
  if (full.listen()) return 1;
  runtime.start(2);

  auto warm = make_requests(1000, 10'000'000);
  drive(bare.port(), warm, connections);
  drive(full.port(), warm, connections);
  const auto requests = make_requests(count, 0);
  const double bare_rate = drive(bare.port(), requests, connections);
  const double full_rate = drive(full.port(), requests, connections);
  const auto stored = store->count_inbox();
  std::printf("inbound bench: %d signed bridge messages, %d keep-alive connections\n", count,
              connections);
  std::printf("  bare Beast handler (200, no work):      %10.0f req/s\n", bare_rate);
  std::printf("  gridbot inbound (verify+parse+fsync):   %10.0f req/s\n", full_rate);
  std::printf("  ratio inbound/bare:                     %10.2f (goal >= 0.50)\n",
              full_rate / bare_rate);
  std::printf("  messages stored: %lld (expected %d)\n", static_cast<long long>(stored),
              count + 1000);
  store->close();
  runtime.stop();
  std::filesystem::remove_all(dir);
  return 0;
}
