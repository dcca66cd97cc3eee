// WebSocketClient: Beast example/websocket/client/async-ssl in coroutine form, in a loop that
// reconnects with backoff. Everything touching the stream runs on one strand.
#include "bot/http/websocket_client.hpp"

#include "base/common/log.hpp"
#include "bot/http/runtime_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/url/parse.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>

namespace gridbot::http {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
using WsStream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

struct WebSocketClient::Impl : std::enable_shared_from_this<WebSocketClient::Impl> {
  Impl(Runtime& rt, WebSocketOptions o, WebSocketCallbacks c)
      : ioc(rt.impl().ioc),
        strand(net::make_strand(ioc)),
        options(std::move(o)),
        callbacks(std::move(c)),
        tls(ssl::context::tls_client),
        backoff_timer(strand),
        heartbeat_timer(strand) {
    tls.set_default_verify_paths();
    if (!options.ca_file.empty()) tls.load_verify_file(options.ca_file);
    tls.set_verify_mode(ssl::verify_peer);
    backoff_ms = options.backoff_initial_ms;
  }

  net::io_context& ioc;
  net::strand<net::io_context::executor_type> strand;
  WebSocketOptions options;
  WebSocketCallbacks callbacks;
  ssl::context tls;
  net::steady_timer backoff_timer, heartbeat_timer;
  // On the strand only:
  std::shared_ptr<WsStream> live;
  std::deque<std::string> queue;
  bool stopping = false;
  std::atomic<bool> open{false};
  std::atomic<int64_t> backoff_ms{0};

  net::awaitable<void> run();
  net::awaitable<std::string> session();
  net::awaitable<void> heartbeat(std::shared_ptr<WsStream> ws);
  void write_next(std::shared_ptr<WsStream> ws);
  void drop_live();
};

namespace {

struct Target {
  std::string host, port, path;
};

bool parse_wss(const std::string& url, Target& t) {
  auto u = boost::urls::parse_uri(url);
  if (!u || u->scheme() != "wss") return false;
  t.host = std::string(u->host_type() == boost::urls::host_type::ipv6 ? u->encoded_host_address()
                                                                      : u->encoded_host());
  t.port = u->has_port() ? std::string(u->port()) : "443";
  t.path = std::string(u->encoded_path());
  if (t.path.empty()) t.path = "/";
  if (u->has_query()) t.path += "?" + std::string(u->encoded_query());
  return !t.host.empty();
}

}  // namespace

void WebSocketClient::Impl::write_next(std::shared_ptr<WsStream> ws) {
  ws->text(true);
  ws->async_write(net::buffer(queue.front()),
                  [self = shared_from_this(), ws](beast::error_code ec, size_t) {
                    if (self->live != ws) return;  // a dropped connection's late completion
                    self->queue.pop_front();
                    if (ec) return self->drop_live();
                    if (!self->queue.empty()) self->write_next(ws);
                  });
}

void WebSocketClient::Impl::drop_live() {
  if (!live) return;
  beast::error_code ignored;  // the socket may already be closed; the read loop notices either way
  auto& socket = beast::get_lowest_layer(*live).socket();
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

net::awaitable<void> WebSocketClient::Impl::heartbeat(std::shared_ptr<WsStream> ws) {
  auto self = shared_from_this();
  while (live == ws && !stopping) {
    heartbeat_timer.expires_after(std::chrono::milliseconds(options.heartbeat_ms));
    auto [ec] = co_await heartbeat_timer.async_wait(use_tuple);
    if (ec || live != ws || stopping) co_return;  // cancelled: the connection ended
    std::string frame = callbacks.heartbeat ? callbacks.heartbeat() : std::string{};
    if (frame.empty() || live != ws) continue;
    queue.push_back(std::move(frame));
    if (queue.size() == 1) write_next(ws);
  }
}

// One connection, from resolve to the end of its read loop. Returns why it ended.
net::awaitable<std::string> WebSocketClient::Impl::session() {
  Target t;
  if (!parse_wss(options.url, t)) co_return "bad url " + options.url;
  tcp::resolver resolver(strand);
  auto [rec, endpoints] = co_await resolver.async_resolve(t.host, t.port, use_tuple);
  if (rec) co_return "resolve: " + rec.message();
  auto ws = std::make_shared<WsStream>(strand, tls);
  auto& lowest = beast::get_lowest_layer(*ws);
  if (!SSL_set_tlsext_host_name(ws->next_layer().native_handle(), t.host.c_str()))
    co_return "cannot set SNI";
  ws->next_layer().set_verify_callback(ssl::host_name_verification(t.host));
  lowest.expires_after(std::chrono::milliseconds(options.handshake_timeout_ms));
  auto [cec, ep] = co_await lowest.async_connect(endpoints, use_tuple);
  if (cec) co_return "connect: " + cec.message();
  auto [hec] = co_await ws->next_layer().async_handshake(ssl::stream_base::client, use_tuple);
  if (hec) co_return "tls: " + hec.message();
  lowest.expires_never();  // the websocket stream's own timeouts take over
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
  timeouts.handshake_timeout = std::chrono::milliseconds(options.handshake_timeout_ms);
  ws->set_option(timeouts);
  ws->read_message_max(options.read_limit);
  ws->set_option(websocket::stream_base::decorator(
      [](websocket::request_type& req) { req.set(beast::http::field::user_agent, "gridbot"); }));
  const std::string host = t.port == "443" ? t.host : t.host + ":" + t.port;
  auto [wec] = co_await ws->async_handshake(host, t.path, use_tuple);
  if (wec) co_return "upgrade: " + wec.message();

  live = ws;
  queue.clear();
  open = true;
  net::co_spawn(strand, heartbeat(ws), [](std::exception_ptr) {});
  if (callbacks.on_open) callbacks.on_open();
  std::string why;
  for (;;) {
    beast::flat_buffer buffer;
    auto [ec, n] = co_await ws->async_read(buffer, use_tuple);
    if (ec) {
      why = ec == websocket::error::closed ? "closed by the server" : ec.message();
      break;
    }
    if (callbacks.on_text) callbacks.on_text(beast::buffers_to_string(buffer.data()));
  }
  open = false;
  live.reset();
  queue.clear();
  heartbeat_timer.cancel();
  co_return why;
}

net::awaitable<void> WebSocketClient::Impl::run() {
  auto self = shared_from_this();
  while (!stopping) {
    const std::string why = co_await session();
    if (stopping) break;
    const int64_t wait = backoff_ms.load();
    log::warn("websocket {}: {}; reconnecting in {} ms", options.url, why, wait);
    if (callbacks.on_close) callbacks.on_close(why);
    backoff_ms = std::min(options.backoff_max_ms, wait * 2);
    backoff_timer.expires_after(std::chrono::milliseconds(wait));
    auto [ec] = co_await backoff_timer.async_wait(use_tuple);
    (void)ec;  // cancelled by stop(): the loop condition ends it
  }
}

WebSocketClient::WebSocketClient(Runtime& runtime, WebSocketOptions options,
                                 WebSocketCallbacks callbacks)
    : impl_(std::make_shared<Impl>(runtime, std::move(options), std::move(callbacks))) {}

WebSocketClient::~WebSocketClient() { stop(); }

void WebSocketClient::start() {
  net::co_spawn(impl_->strand, impl_->run(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("websocket: unhandled exception: {}", ex.what());
    }
  });
}

void WebSocketClient::stop() {
  net::post(impl_->strand, [impl = impl_] {
    impl->stopping = true;
    impl->backoff_timer.cancel();
    impl->heartbeat_timer.cancel();
    impl->drop_live();
  });
}

bool WebSocketClient::send(std::string text) {
  if (!impl_->open) return false;
  net::post(impl_->strand, [impl = impl_, t = std::move(text)]() mutable {
    if (!impl->live) return;  // closed meanwhile: the owner's timeout reports it
    impl->queue.push_back(std::move(t));
    if (impl->queue.size() == 1) impl->write_next(impl->live);
  });
  return true;
}

void WebSocketClient::reconnect() {
  net::post(impl_->strand, [impl = impl_] { impl->drop_live(); });
}

void WebSocketClient::reset_backoff() { impl_->backoff_ms = impl_->options.backoff_initial_ms; }

void WebSocketClient::after(int64_t ms, std::function<void()> fn) {
  auto timer = std::make_shared<net::steady_timer>(impl_->strand);
  timer->expires_after(std::chrono::milliseconds(ms));
  timer->async_wait([timer, fn = std::move(fn)](beast::error_code) { fn(); });
}

}  // namespace gridbot::http
