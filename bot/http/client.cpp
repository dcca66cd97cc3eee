// Beast HTTP(S) client (Beast example/http/client/async-ssl, in coroutine form, with host-name
// verification), keeping the connections peers leave open: a platform's API host or a bridge gets
// every send of its channel, and a new connection per send cost a resolve, a connect and, over
// TLS, a handshake each time.
#include "bot/http/client.hpp"

#include "base/common/errors.hpp"
#include "base/common/log.hpp"
#include "bot/http/runtime_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <openssl/ssl.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include <sys/socket.h>

namespace gridbot::http {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

using Clock = std::chrono::steady_clock;

namespace {

// One connection, plain or TLS, kept between requests to the same scheme, host and port.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  Clock::time_point idle_since;
  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*tls); }
  // An idle connection the peer closed (or wrote to unasked) has something to read.
  bool still_open() {
    char c;
    const ssize_t n = ::recv(lowest().socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
};

}  // namespace

struct Client::Impl {
  Impl(Runtime& rt, ClientOptions o)
      : ioc(rt.impl().ioc), options(std::move(o)), tls(ssl::context::tls_client) {
    if (!options.ca_file.empty()) tls.load_verify_file(options.ca_file);
    tls.set_verify_mode(ssl::verify_peer);
  }
  /// The context, once it trusts the system CAs. OpenSSL 3 takes 30-70 ms to parse the bundle:
  /// whoever comes first reads it (load_system_cas()'s thread or a TLS send), the others wait.
  ssl::context& trusted_context() {
    std::call_once(system_cas, [this] {
      beast::error_code ec;
      tls.set_default_verify_paths(ec);
      if (ec) log::error("tls: the system CA certificates cannot be read: {}", ec.message());
    });
    return tls;
  }
  // The most recently idle connection to `key` still open, if any.
  std::optional<Connection> take(const std::string& key) {
    std::lock_guard lk(pool_mu);
    auto it = idle.find(key);
    if (it == idle.end()) return std::nullopt;
    const auto oldest = Clock::now() - std::chrono::milliseconds(options.idle_ms);
    while (!it->second.empty()) {
      Connection c = std::move(it->second.back());
      it->second.pop_back();
      if (c.idle_since >= oldest && c.still_open()) return c;
    }
    return std::nullopt;
  }
  void put(const std::string& key, Connection c) {
    if (options.max_idle_per_host == 0) return;
    c.idle_since = Clock::now();
    std::lock_guard lk(pool_mu);
    auto& list = idle[key];
    // The oldest go first: they are the likeliest to be closed by the peer.
    const auto oldest = c.idle_since - std::chrono::milliseconds(options.idle_ms);
    std::erase_if(list, [&](const Connection& k) { return k.idle_since < oldest; });
    if (list.size() >= options.max_idle_per_host) list.erase(list.begin());
    list.push_back(std::move(c));
  }

  net::io_context& ioc;
  ClientOptions options;
  ssl::context tls;
  std::once_flag system_cas;
  std::atomic<int64_t> opened{0};
  std::mutex pool_mu;  // guards idle
  std::map<std::string, std::vector<Connection>> idle;
  std::future<void> preload;  // last: destroyed first, waiting for load_system_cas()'s thread
};

namespace {

struct Target {
  bool tls = false;
  std::string host, port, path;
};

bool parse_url(const std::string& url, Target& t) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return false;
  if (u->scheme() == "https")
    t.tls = true;
  else if (u->scheme() != "http")
    return false;
  t.host = std::string(u->host_name().empty() ? u->encoded_host() : u->host_name());
  if (u->host_type() == boost::urls::host_type::ipv6)
    t.host = std::string(u->encoded_host_address());
  t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
  t.path = std::string(u->encoded_target());
  if (t.path.empty()) t.path = "/";
  return !t.host.empty();
}

bhttp::request<bhttp::string_body> make_request(HttpRequest& r, const Target& t) {
  bhttp::verb verb = bhttp::string_to_verb(r.method);
  bhttp::request<bhttp::string_body> req{verb == bhttp::verb::unknown ? bhttp::verb::post : verb,
                                         t.path, 11};
  req.set(bhttp::field::host, t.host);
  req.set(bhttp::field::user_agent, "gridbot");
  for (auto& [k, v] : r.headers) req.set(k, v);
  req.body() = std::move(r.body);
  req.prepare_payload();
  req.keep_alive(true);
  return req;
}

TransportResult from_beast(bhttp::response<bhttp::string_body>&& res) {
  TransportResult out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res)
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(res.body());
  return out;
}

struct Exchanged {
  TransportResult result;
  bool reusable = false;      // the whole answer read and the peer keeps the connection open
  bool nothing_back = false;  // failed before any byte of an answer came (a stale connection)
};

template <typename Stream>
net::awaitable<Exchanged> exchange(Stream& stream, beast::tcp_stream& lowest,
                                   const bhttp::request<bhttp::string_body>& req,
                                   Clock::time_point deadline, size_t body_limit) {
  lowest.expires_at(deadline);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, use_tuple);
  if (wec) co_return Exchanged{TransportResult{wec, 0, {}, {}}, false, true};
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(body_limit);
  lowest.expires_at(deadline);
  auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
  // Over the limit is the one read error the caller must tell apart: asking again cannot help.
  if (rec == bhttp::error::body_limit)
    co_return Exchanged{TransportResult{make_error_code(errc::body_too_large), 0, {}, {}}};
  if (rec) {
    const bool stale = !parser.got_some() && rec != beast::error::timeout;
    co_return Exchanged{TransportResult{rec, 0, {}, {}}, false, stale};
  }
  const bool keep = parser.get().keep_alive() && buffer.size() == 0;
  co_return Exchanged{from_beast(parser.release()), keep, false};
}

// A new connection to t: resolve, connect and, for https, the handshake with host-name checks.
net::awaitable<std::pair<std::error_code, Connection>> connect(Client::Impl& impl, const Target& t,
                                                               Clock::time_point deadline) {
  auto ex = co_await net::this_coro::executor;
  Connection c;
  tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(t.host, t.port, use_tuple);
  if (rec) co_return std::pair{std::error_code(rec), std::move(c)};
  if (!t.tls) {
    c.plain = std::make_unique<beast::tcp_stream>(ex);
  } else {
    c.tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex, impl.trusted_context());
    if (!SSL_set_tlsext_host_name(c.tls->native_handle(), t.host.c_str()))
      co_return std::pair{std::make_error_code(std::errc::protocol_error), std::move(c)};
    c.tls->set_verify_callback(ssl::host_name_verification(t.host));
  }
  c.lowest().expires_at(deadline);
  auto [cec, ep] = co_await c.lowest().async_connect(endpoints, use_tuple);
  if (cec) co_return std::pair{std::error_code(cec), std::move(c)};
  ++impl.opened;
  if (c.tls) {
    c.lowest().expires_at(deadline);
    auto [hec] = co_await c.tls->async_handshake(ssl::stream_base::client, use_tuple);
    if (hec) co_return std::pair{std::error_code(hec), std::move(c)};
  }
  co_return std::pair{std::error_code(), std::move(c)};
}

// Ends a connection the peer will not keep: the TLS close_notify where there is TLS.
net::awaitable<void> close(Connection& c, const std::string& host) {
  beast::error_code ignored;
  if (c.plain) {
    c.plain->socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return;
  }
  c.lowest().expires_after(std::chrono::seconds(2));
  auto [sec] = co_await c.tls->async_shutdown(use_tuple);
  // Many servers close without a TLS close_notify; the response is complete, so that is harmless.
  if (sec && sec != ssl::error::stream_truncated && sec != net::error::eof)
    log::debug("tls shutdown with {}: {}", host, sec.message());
}

net::awaitable<TransportResult> do_send(std::shared_ptr<Client::Impl> impl, HttpRequest request,
                                        int64_t timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  Target t;
  if (!parse_url(request.url, t))
    co_return TransportResult{std::make_error_code(std::errc::invalid_argument), 0, {}, {}};
  const std::string key = (t.tls ? "https://" : "http://") + t.host + ":" + t.port;
  const auto req = make_request(request, t);
  const size_t limit = impl->options.response_body_limit;
  // A kept connection first; if the peer had closed it as it was taken (nothing came back), the
  // request goes once more on a new one — the outbox's idempotency key covers the rare case where
  // the peer acted on it and closed before answering.
  for (int attempt = 0;; ++attempt) {
    std::optional<Connection> kept;
    if (attempt == 0) kept = impl->take(key);
    Connection c;
    if (kept) {
      c = std::move(*kept);
    } else {
      auto [ec, fresh] = co_await connect(*impl, t, deadline);
      if (ec) co_return TransportResult{ec, 0, {}, {}};
      c = std::move(fresh);
    }
    // (Not a conditional expression around co_await: GCC 12 miscompiles that.)
    Exchanged x;
    if (c.plain)
      x = co_await exchange(*c.plain, *c.plain, req, deadline, limit);
    else
      x = co_await exchange(*c.tls, c.lowest(), req, deadline, limit);
    if (x.result.error && kept && x.nothing_back && Clock::now() < deadline) continue;
    if (x.reusable) {
      c.lowest().expires_never();
      impl->put(key, std::move(c));
    } else if (!x.result.error) {
      co_await close(c, t.host);
    }
    co_return std::move(x.result);
  }
}

}  // namespace

Client::Client(Runtime& runtime, ClientOptions options)
    : impl_(std::make_shared<Impl>(runtime, std::move(options))) {}
Client::~Client() = default;

void Client::load_system_cas() {
  if (!impl_->preload.valid()) {
    impl_->preload =
        std::async(std::launch::async, [impl = impl_.get()] { impl->trusted_context(); });
  }
}

int64_t Client::connections_opened() const { return impl_->opened.load(); }

void Client::send(HttpRequest request, int64_t timeout_ms,
                  std::function<void(TransportResult)> done) {
  // No caller can smuggle a second request or a header it did not mean: a name that is not an
  // RFC 9110 token, or a value with CR, LF or another control character, fails the send here.
  for (const auto& [name, value] : request.headers)
    if (!is_valid_header(name, value)) {
      log::error("http client: refused a request to {} with a malformed header", request.url);
      return done(TransportResult{std::make_error_code(std::errc::invalid_argument), 0, {}, {}});
    }
  net::co_spawn(net::make_strand(impl_->ioc), do_send(impl_, std::move(request), timeout_ms),
                [done = std::move(done)](std::exception_ptr e, TransportResult r) {
                  if (e) {
                    try {
                      std::rethrow_exception(e);
                    } catch (const std::exception& ex) {
                      log::error("http client: unhandled exception: {}", ex.what());
                    }
                    r = TransportResult{std::make_error_code(std::errc::io_error), 0, {}, {}};
                  }
                  done(std::move(r));
                });
}

}  // namespace gridbot::http
