// The HTTP server's framing over plain sockets (not Beast: the client must not share the server's
// parser): a body that comes after its header, two requests in one write, and an answer larger
// than the sockets' buffers, read only after a pause, all arrive whole and in order.
#include "bot/http/runtime.hpp"
#include "bot/http/server.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace gridbot;

namespace {

int connect_to(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

void send_all(int fd, const std::string& s) {
  for (size_t done = 0; done < s.size();) {
    const ssize_t n = ::send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
    REQUIRE(n > 0);
    done += static_cast<size_t>(n);
  }
}

// Reads one answer with Content-Length: its body.
std::string read_answer(int fd, std::string& pending) {
  const auto fill = [&] {
    char buf[65536];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    REQUIRE(n > 0);
    pending.append(buf, static_cast<size_t>(n));
  };
  size_t end;
  while ((end = pending.find("\r\n\r\n")) == std::string::npos) fill();
  const size_t at = pending.find("Content-Length: ");
  REQUIRE(at < end);
  const size_t length = std::stoul(pending.substr(at + 16));
  while (pending.size() < end + 4 + length) fill();
  std::string body = pending.substr(end + 4, length);
  pending.erase(0, end + 4 + length);
  return body;
}

std::string post(const std::string& target, const std::string& body) {
  return "POST " + target +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

struct Echo {
  http::Runtime rt;
  std::unique_ptr<http::Server> server;
  Echo() {
    http::ServerOptions o;
    o.body_limit = 64u << 20;
    // The answer is the request's target and body; /big answers 32 MiB.
    server = std::make_unique<http::Server>(
        rt, o, [](HttpRequest req, std::function<void(HttpResponse)> reply) {
          HttpResponse r;
          r.status = 200;
          r.body = req.target == "/big" ? std::string(32u << 20, 'x') : req.target + ":" + req.body;
          reply(std::move(r));
        });
    REQUIRE_FALSE(server->listen());
    rt.start(2);
  }
  ~Echo() { rt.stop(); }
};

}  // namespace

TEST_CASE("http server: a body sent after its header is read whole", "[http]") {
  Echo e;
  const int fd = connect_to(e.server->port());
  const std::string req = post("/a", "0123456789");
  send_all(fd, req.substr(0, req.size() - 6));  // the header and part of the body
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  send_all(fd, req.substr(req.size() - 6));
  std::string pending;
  CHECK(read_answer(fd, pending) == "/a:0123456789");
  ::close(fd);
}

TEST_CASE("http server: two requests in one write get two answers in order", "[http]") {
  Echo e;
  const int fd = connect_to(e.server->port());
  send_all(fd, post("/one", "first") + post("/two", "second"));
  std::string pending;
  CHECK(read_answer(fd, pending) == "/one:first");
  CHECK(read_answer(fd, pending) == "/two:second");
  // The connection is still good for a third.
  send_all(fd, post("/three", "third"));
  CHECK(read_answer(fd, pending) == "/three:third");
  ::close(fd);
}

TEST_CASE("http server: an answer larger than the socket buffers arrives whole, read late",
          "[http]") {
  Echo e;
  const int fd = connect_to(e.server->port());
  send_all(fd, post("/big", "") + post("/after", "x"));
  // Not reading for a while: the server's socket fills and the rest must go out later.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::string pending;
  const std::string big = read_answer(fd, pending);
  CHECK(big.size() == (32u << 20));
  CHECK(big.find_first_not_of('x') == std::string::npos);
  CHECK(read_answer(fd, pending) == "/after:x");
  ::close(fd);
}
