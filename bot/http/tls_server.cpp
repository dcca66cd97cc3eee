// TlsServer: Beast over TLS (example/http/server/awaitable with an ssl_stream), plus the
// WebSocket upgrade of example/websocket/server; errors as values through as_tuple.
#include "bot/http/tls_server.hpp"

#include "base/common/log.hpp"
#include "bot/http/exchange.hpp"
#include "bot/http/runtime_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>
#include <deque>

namespace gridbot::http {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

struct TlsServer::Impl : std::enable_shared_from_this<TlsServer::Impl> {
  Impl(Runtime& rt, TlsServerOptions o, Handler h, WsHandlers w)
      : ioc(rt.impl().ioc),
        options(std::move(o)),
        handler(std::move(h)),
        ws(std::move(w)),
        tls(ssl::context::tls_server),
        acceptor(net::make_strand(ioc)) {}

  net::io_context& ioc;
  TlsServerOptions options;
  Handler handler;
  WsHandlers ws;
  ssl::context tls;
  tcp::acceptor acceptor;

  net::awaitable<void> accept_loop();
  net::awaitable<HttpResponse> call_handler(std::shared_ptr<HttpRequest> req);
  net::awaitable<void> session(tcp::socket socket);
  net::awaitable<void> websocket_session(TlsStream stream,
                                         bhttp::request<bhttp::string_body> upgrade);
};

namespace {

class Peer final : public WsPeer, public std::enable_shared_from_this<Peer> {
 public:
  explicit Peer(TlsStream&& stream) : ws(std::move(stream)) {}

  void send(std::string text) override {
    net::post(ws.get_executor(), [self = shared_from_this(), t = std::move(text)]() mutable {
      self->queue_.push_back(std::move(t));
      if (self->queue_.size() == 1) self->write_next();
    });
  }
  void drop() override {
    net::post(ws.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;  // the socket may already be closed by the peer
      auto& socket = beast::get_lowest_layer(self->ws).socket();
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
    });
  }

  websocket::stream<TlsStream> ws;

 private:
  void write_next() {
    ws.text(true);
    ws.async_write(net::buffer(queue_.front()),
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     self->queue_.pop_front();
                     if (ec) return self->queue_.clear();  // the reader sees the failure too
                     if (!self->queue_.empty()) self->write_next();
                   });
  }
  std::deque<std::string> queue_;  // on the strand only
};

}  // namespace

// Not a coroutine: GCC 12 destroys temporaries inside a co_await expression twice.
net::awaitable<HttpResponse> TlsServer::Impl::call_handler(std::shared_ptr<HttpRequest> req) {
  return exchange::call(shared_from_this(), handler, std::move(req));
}

net::awaitable<void> TlsServer::Impl::websocket_session(
    TlsStream stream, bhttp::request<bhttp::string_body> upgrade) {
  auto self = shared_from_this();
  auto peer = std::make_shared<Peer>(std::move(stream));
  beast::get_lowest_layer(peer->ws).expires_never();  // the websocket stream has its own timeouts
  peer->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  auto [aec] = co_await peer->ws.async_accept(upgrade, use_tuple);
  if (aec) co_return;
  if (ws.on_open) ws.on_open(peer);
  for (;;) {
    beast::flat_buffer buffer;
    auto [ec, n] = co_await peer->ws.async_read(buffer, use_tuple);
    if (ec) break;
    ws.on_text(peer, beast::buffers_to_string(buffer.data()));
  }
  if (ws.on_close) ws.on_close(peer);
}

net::awaitable<void> TlsServer::Impl::session(tcp::socket socket) {
  auto self = shared_from_this();
  TlsStream stream(beast::tcp_stream(std::move(socket)), tls);
  auto& lowest = beast::get_lowest_layer(stream);
  const auto timeout = std::chrono::milliseconds(options.timeout_ms);
  lowest.expires_after(timeout);
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
  if (hec) co_return;  // a client that does not trust our CA ends here
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(options.body_limit);
    lowest.expires_after(timeout);
    auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
    if (rec) break;
    auto req = parser.release();
    if (websocket::is_upgrade(req) && ws.on_text) {
      co_await websocket_session(std::move(stream), std::move(req));
      co_return;
    }
    lowest.expires_never();
    HttpResponse resp =
        co_await call_handler(std::make_shared<HttpRequest>(exchange::to_plain(req)));
    auto res = exchange::to_beast(std::move(resp), req.version());
    res.keep_alive(req.keep_alive());
    lowest.expires_after(timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, use_tuple);
    if (wec || !req.keep_alive()) break;
  }
  lowest.expires_after(timeout);
  auto [sec] = co_await stream.async_shutdown(use_tuple);
  (void)sec;  // the client may have closed first; nothing is left to deliver either way
}

net::awaitable<void> TlsServer::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), use_tuple);
    if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;
    auto ex = socket.get_executor();
    net::co_spawn(ex, session(std::move(socket)), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::error("tls session: unhandled exception: {}", ex.what());
      }
    });
  }
}

TlsServer::TlsServer(Runtime& runtime, TlsServerOptions options, Handler handler, WsHandlers ws)
    : impl_(
          std::make_shared<Impl>(runtime, std::move(options), std::move(handler), std::move(ws))) {}

TlsServer::~TlsServer() {
  // Closed here, not posted: the io_context may already be stopped (as Server's destructor).
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

std::error_code TlsServer::listen() {
  beast::error_code ec;
  impl_->tls.use_certificate_chain_file(impl_->options.cert_file, ec);
  if (ec) return ec;
  impl_->tls.use_private_key_file(impl_->options.key_file, ssl::context::pem, ec);
  if (ec) return ec;
  auto& a = impl_->acceptor;
  if ((ec = exchange::open_acceptor(a, impl_->options.listen, impl_->options.port))) return ec;
  net::co_spawn(a.get_executor(), impl_->accept_loop(), net::detached);
  return {};
}

uint16_t TlsServer::port() const { return exchange::local_port(impl_->acceptor); }

void TlsServer::stop() {
  net::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;  // closing twice is harmless
    impl->acceptor.close(ignored);
  });
}

}  // namespace gridbot::http
