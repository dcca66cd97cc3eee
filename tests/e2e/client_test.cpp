// The outbound HTTP client's kept connections, against a plain-socket HTTP/1.1 server written here
// (not Beast: the peer must not share the client's parser) that counts connections and requests
// and can close the way real peers do.
#include "bot/http/client.hpp"
#include "bot/http/runtime.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstring>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace gridbot;

namespace {

// How the server treats each connection.
enum class Mode {
  keep,               // answers every request, keeps the connection
  close_each,         // answers with Connection: close, then closes
  drop_second,        // answers the first request; at the second it closes without answering
  close_after_answer  // answers keep-alive, then closes at once (an idle timeout of zero)
};

class RawServer {
 public:
  explicit RawServer(Mode mode) : mode_(mode) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 64) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~RawServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    acceptor_.join();
    std::lock_guard lk(mu_);
    for (int c : open_) ::shutdown(c, SHUT_RDWR);
    for (auto& t : workers_) t.join();
    for (int c : open_) ::close(c);  // only now: a number closed earlier could be reused
  }
  uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }
  std::vector<std::string> bodies() {
    std::lock_guard lk(mu_);
    return bodies_;
  }

 private:
  void accept_loop() {
    for (;;) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++connections_;
      std::lock_guard lk(mu_);
      open_.push_back(c);
      workers_.emplace_back([this, c] { serve(c); });
    }
  }
  // One request: headers to the blank line, then Content-Length bytes. False at EOF.
  static bool read_request(int c, std::string& pending, std::string& body) {
    for (;;) {
      const auto end = pending.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t length = 0;
        const auto at = pending.find("Content-Length: ");
        if (at != std::string::npos && at < end) length = std::stoul(pending.substr(at + 16));
        if (pending.size() >= end + 4 + length) {
          body = pending.substr(end + 4, length);
          pending.erase(0, end + 4 + length);
          return true;
        }
      }
      char buf[4096];
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return false;
      pending.append(buf, static_cast<size_t>(n));
    }
  }
  void serve(int c) {
    std::string pending, body;
    for (int n = 0; read_request(c, pending, body); ++n) {
      ++requests_;
      if (mode_ == Mode::drop_second && n == 1) break;
      {
        std::lock_guard lk(mu_);
        bodies_.push_back(body);
      }
      const std::string answer =
          mode_ == Mode::close_each
              ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
              : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      (void)::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
      if (mode_ == Mode::close_each || mode_ == Mode::close_after_answer) break;
    }
    ::shutdown(c, SHUT_RDWR);
  }

  Mode mode_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::atomic<int> connections_{0}, requests_{0};
  std::mutex mu_;
  std::vector<int> open_;
  std::vector<std::thread> workers_;
  std::vector<std::string> bodies_;
};

TransportResult post(http::Client& client, uint16_t port, const std::string& body) {
  HttpRequest r;
  r.method = "POST";
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/send";
  r.body = body;
  std::promise<TransportResult> p;
  client.send(std::move(r), 5000, [&p](TransportResult res) { p.set_value(std::move(res)); });
  return p.get_future().get();
}

}  // namespace

TEST_CASE("http client: sends to one host reuse the connection the peer keeps open",
          "[http][client]") {
  http::Runtime runtime;
  runtime.start(2);
  {
    RawServer server(Mode::keep);
    http::Client client(runtime, {});
    for (int i = 0; i < 20; ++i)
      CHECK(post(client, server.port(), "m" + std::to_string(i)).status == 200);
    CHECK(server.requests() == 20);
    CHECK(server.connections() == 1);
    CHECK(client.connections_opened() == 1);
    // Concurrent sends open what they need and then share them.
    std::vector<std::future<TransportResult>> many;
    for (int i = 0; i < 8; ++i)
      many.push_back(std::async(std::launch::async, [&, i] {
        return post(client, server.port(), "c" + std::to_string(i));
      }));
    for (auto& f : many) CHECK(f.get().status == 200);
    CHECK(server.connections() <= 9);
    const int after = server.connections();
    for (int i = 0; i < 10; ++i) CHECK(post(client, server.port(), "z").status == 200);
    CHECK(server.connections() == after);
  }
  runtime.stop();
}

TEST_CASE("http client: a peer that closes is met with a new connection, and nothing is lost",
          "[http][client]") {
  http::Runtime runtime;
  runtime.start(2);
  SECTION("Connection: close on every answer: a connection per request") {
    RawServer server(Mode::close_each);
    http::Client client(runtime, {});
    for (int i = 0; i < 5; ++i) CHECK(post(client, server.port(), "m").status == 200);
    CHECK(server.connections() == 5);
    CHECK(server.requests() == 5);
  }
  SECTION("closed while idle: the closed one is noticed and not used") {
    RawServer server(Mode::close_after_answer);
    http::Client client(runtime, {});
    for (int i = 0; i < 5; ++i) {
      CHECK(post(client, server.port(), "m" + std::to_string(i)).status == 200);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the peer's FIN arrives
    }
    CHECK(server.connections() == 5);
    CHECK(server.requests() == 5);  // no request was written into a closed connection
  }
  SECTION("closed just as a request was sent on it: sent once more on a new connection") {
    RawServer server(Mode::drop_second);
    http::Client client(runtime, {});
    CHECK(post(client, server.port(), "first").status == 200);
    const auto second = post(client, server.port(), "second");
    CHECK_FALSE(second.error);
    CHECK(second.status == 200);
    CHECK(server.connections() == 2);
    CHECK(server.bodies() == std::vector<std::string>{"first", "second"});
  }
  SECTION("reuse off: a connection per request") {
    RawServer server(Mode::keep);
    http::ClientOptions o;
    o.max_idle_per_host = 0;
    http::Client client(runtime, o);
    for (int i = 0; i < 3; ++i) CHECK(post(client, server.port(), "m").status == 200);
    CHECK(server.connections() == 3);
  }
  SECTION("idle longer than idle_ms: not reused") {
    RawServer server(Mode::keep);
    http::ClientOptions o;
    o.idle_ms = 50;
    http::Client client(runtime, o);
    CHECK(post(client, server.port(), "a").status == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    CHECK(post(client, server.port(), "b").status == 200);
    CHECK(server.connections() == 2);
  }
  runtime.stop();
}
