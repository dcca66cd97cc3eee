// Beast HTTP server: listener and per-connection session coroutines on their own strands
// (Beast example/http/server/awaitable, with a strand per connection and the deadlines of
// flex-awaitable). Errors are values: every co_await yields (ec, …) through as_tuple.
#include "bot/http/server.hpp"

#include "base/common/log.hpp"
#include "bot/http/exchange.hpp"
#include "bot/http/runtime_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <tuple>
#include <optional>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace gridbot::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(Runtime& rt, ServerOptions o, Handler h)
      : ioc(rt.impl().ioc),
        options(std::move(o)),
        handler(std::move(h)),
        acceptor(net::make_strand(ioc)) {}

  net::io_context& ioc;
  ServerOptions options;
  Handler handler;
  tcp::acceptor acceptor;
  std::atomic<bool> draining{false};
  std::atomic<size_t> connections{0};
  std::mutex idle_mu;
  std::condition_variable idle_cv;
  size_t active = 0;  // requests inside the handler, guarded by idle_mu

  void begin_request() {
    std::lock_guard lk(idle_mu);
    ++active;
  }
  void end_request() {
    std::lock_guard lk(idle_mu);
    if (--active == 0) idle_cv.notify_all();
  }

  net::awaitable<void> accept_loop();
  net::awaitable<void> session(beast::tcp_stream stream);
  net::awaitable<HttpResponse> call_handler(std::shared_ptr<HttpRequest> req);
};

namespace {

HttpResponse status_only(int status, const char* error) {
  return json_response(status, std::string(R"({"error":")") + error + "\"}");
}

// A read that failed on the request's framing is answered before the connection closes (the
// client learns why); a timeout or reset is not (nobody is there).
std::optional<HttpResponse> framing_error(const beast::error_code& ec) {
  if (!ec) return std::nullopt;
  if (ec == bhttp::error::header_limit) return status_only(431, "header over the size limit");
  if (ec == bhttp::error::body_limit) return status_only(413, "body over the size limit");
  if (ec == bhttp::error::partial_message) return std::nullopt;  // the peer went away mid-body
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category())
    return status_only(400, "malformed HTTP request");
  return std::nullopt;
}

// Headers the server refuses before reading a body (RFC 9112): HTTP/1.1 without Host is 400; a
// transfer coding other than chunked (gzip, deflate, …) is one it does not implement: 501.
std::optional<HttpResponse> unacceptable_header(const bhttp::request<bhttp::string_body>& req) {
  if (req.version() >= 11 && req.find(bhttp::field::host) == req.end())
    return status_only(400, "HTTP/1.1 request without Host");
  for (auto it = req.find(bhttp::field::transfer_encoding);
       it != req.end() && it->name() == bhttp::field::transfer_encoding; ++it) {
    std::string_view codings(it->value().data(), it->value().size());
    while (!codings.empty()) {
      const auto comma = codings.find(',');
      std::string_view coding = codings.substr(0, comma);
      codings = comma == std::string_view::npos ? std::string_view() : codings.substr(comma + 1);
      while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t'))
        coding.remove_prefix(1);
      while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t'))
        coding.remove_suffix(1);
      if (!beast::iequals(coding, "chunked"))
        return status_only(501, "transfer coding not implemented");
    }
  }
  return std::nullopt;
}

// The body that came in with the header, parsed from the buffer. Beast's async_read would post
// its completion even when nothing is left to read: one more trip through a busy event loop for
// nearly every request. Leaves `ec` clear when the parser simply needs more bytes.
void parse_buffered(bhttp::request_parser<bhttp::string_body>& parser, beast::flat_buffer& buffer,
                    beast::error_code& ec) {
  while (!parser.is_done() && buffer.size() > 0) {
    const std::size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      return;
    }
    if (ec || used == 0) return;
  }
}

// The request with the client's address. A plain function, not coroutine code: GCC 12 mishandles
// locals added to a coroutine's frame in nested blocks.
std::shared_ptr<HttpRequest> with_peer(HttpRequest&& r, const tcp::socket& socket) {
  auto out = std::make_shared<HttpRequest>(std::move(r));
  beast::error_code ec;  // a reset peer has no address: the request goes on without one
  const auto ep = socket.remote_endpoint(ec);
  if (!ec) out->peer = ep.address().to_string();
  return out;
}

}  // namespace

net::awaitable<HttpResponse> Server::Impl::call_handler(std::shared_ptr<HttpRequest> req) {
  return exchange::call(shared_from_this(), handler, std::move(req));
}

net::awaitable<void> Server::Impl::session(beast::tcp_stream stream) {
  auto self = shared_from_this();
  beast::flat_buffer buffer;
  bool first = true;
  // Synchronous writes fail with would_block instead of waiting (see the answer's write below);
  // asynchronous operations are unaffected.
  beast::error_code nb;
  stream.socket().non_blocking(true, nb);
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    parser.body_limit(options.body_limit);
    // A kept-alive connection may sit idle longer than a request may take to arrive.
    stream.expires_after(std::chrono::milliseconds(
        first || buffer.size() > 0 ? options.read_timeout_ms : options.idle_timeout_ms));
    first = false;
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof) break;
    std::optional<HttpResponse> early = framing_error(ec);
    if (ec && !early) break;  // timeout or reset: nobody to answer
    if (!early) early = unacceptable_header(parser.get());
    if (!early) {
      // curl and others wait for "100 Continue" before sending a larger body.
      if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
        stream.expires_after(std::chrono::milliseconds(options.write_timeout_ms));
        auto [wec, wn] = co_await bhttp::async_write(stream, cont, use_tuple);
        if (wec) break;
      }
      beast::error_code rec;
      parse_buffered(parser, buffer, rec);
      if (!rec && !parser.is_done()) {
        stream.expires_after(std::chrono::milliseconds(options.read_timeout_ms));
        std::tie(rec, std::ignore) = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
      }
      early = framing_error(rec);  // a bad chunk, a chunk longer than declared: 400, said
      if (rec && !early) break;
    }
    const auto& req = parser.get();
    bool keep_alive = !early && req.keep_alive();
    HttpResponse resp;
    if (early) {
      resp = std::move(*early);
    } else if (draining) {
      resp = status_only(503, "server is shutting down");
      keep_alive = false;
    } else {
      stream.expires_never();  // the handler waits for a durable commit; its own limits apply
      begin_request();
      resp = co_await call_handler(with_peer(exchange::to_plain(req), stream.socket()));
      end_request();
      keep_alive = keep_alive && !draining;
    }
    auto res = exchange::to_beast(std::move(resp), req.version() ? req.version() : 11);
    res.set(bhttp::field::server, "gridbot");
    res.keep_alive(keep_alive);
    // Written at once when the socket takes it all (as it does for an answer of a few hundred
    // bytes), without waiting for a completion posted through the event loop; the rest, if the
    // socket's buffer fills, asynchronously under the write deadline.
    bhttp::serializer<false, bhttp::string_body> sr{res};
    beast::error_code wec;
    bhttp::write(stream.socket(), sr, wec);
    if (wec == net::error::would_block || wec == net::error::try_again) {
      stream.expires_after(std::chrono::milliseconds(options.write_timeout_ms));
      std::tie(wec, std::ignore) = co_await bhttp::async_write(stream, sr, use_tuple);
    }
    if (wec) break;
    if (early) {
      // Lingering close (as nginx does): the client may still be sending the body we refused;
      // closing now would reset the connection and lose our answer. Read and discard, bounded.
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream.expires_after(std::chrono::milliseconds(2000));
      std::array<char, 16384> sink;
      for (size_t drained = 0; drained < 8 * options.body_limit + (1 << 20);) {
        auto [dec, dn] = co_await stream.async_read_some(net::buffer(sink), use_tuple);
        if (dec) break;
        drained += dn;
      }
      break;
    }
    if (!keep_alive) break;
  }
  beast::error_code ignored;
  // The peer may already be gone; a failed shutdown changes nothing for us.
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  --connections;
}

net::awaitable<void> Server::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), use_tuple);
    if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;  // drain() closed it
    if (ec) {
      log::warn("accept: {}", ec.message());
      continue;
    }
    if (connections.load() >= options.max_connections) {
      beast::error_code ignored;  // over the limit: refuse by closing; the client retries later
      socket.close(ignored);
      continue;
    }
    ++connections;
    auto ex = socket.get_executor();
    net::co_spawn(ex, session(beast::tcp_stream(std::move(socket))), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::error("http session: unhandled exception: {}", ex.what());
      }
    });
  }
}

Server::Server(Runtime& runtime, ServerOptions options, Handler handler)
    : impl_(std::make_shared<Impl>(runtime, std::move(options), std::move(handler))) {}

Server::~Server() {
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

std::error_code Server::listen() {
  auto& a = impl_->acceptor;
  if (auto ec = exchange::open_acceptor(a, impl_->options.listen, impl_->options.port)) return ec;
  net::co_spawn(a.get_executor(), impl_->accept_loop(), net::detached);
  return {};
}

uint16_t Server::port() const { return exchange::local_port(impl_->acceptor); }

void Server::drain() {
  impl_->draining = true;
  net::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;  // closing an acceptor that is already closed is harmless
    impl->acceptor.close(ignored);
  });
}

bool Server::wait_idle(int64_t timeout_ms) {
  std::unique_lock lk(impl_->idle_mu);
  return impl_->idle_cv.wait_for(lk, std::chrono::milliseconds(timeout_ms),
                                 [&] { return impl_->active == 0; });
}

}  // namespace gridbot::http
