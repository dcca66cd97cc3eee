// Beast HTTP(S) client (Beast example/http/client/async-ssl, in coroutine form, with host-name
// verification). One connection per request: platforms' webhook hosts are many and cold.
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

#include <chrono>
#include <future>
#include <mutex>

namespace gridbot::http {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

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
  net::io_context& ioc;
  ClientOptions options;
  ssl::context tls;
  std::once_flag system_cas;
  std::future<void> preload;  // last: destroyed first, waiting for load_system_cas()'s thread
};

namespace {

using Clock = std::chrono::steady_clock;

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
  req.keep_alive(false);
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

template <typename Stream>
net::awaitable<TransportResult> exchange(Stream& stream, beast::tcp_stream& lowest,
                                         bhttp::request<bhttp::string_body>& req,
                                         Clock::time_point deadline, size_t body_limit) {
  TransportResult fail;
  lowest.expires_at(deadline);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, use_tuple);
  if (wec) co_return TransportResult{wec, 0, {}, {}};
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(body_limit);
  lowest.expires_at(deadline);
  auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
  // Over the limit is the one read error the caller must tell apart: asking again cannot help.
  if (rec == bhttp::error::body_limit)
    co_return TransportResult{make_error_code(errc::body_too_large), 0, {}, {}};
  if (rec) co_return TransportResult{rec, 0, {}, {}};
  co_return from_beast(parser.release());
}

net::awaitable<TransportResult> do_send(std::shared_ptr<Client::Impl> impl, HttpRequest request,
                                        int64_t timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  Target t;
  if (!parse_url(request.url, t))
    co_return TransportResult{std::make_error_code(std::errc::invalid_argument), 0, {}, {}};
  auto ex = co_await net::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(t.host, t.port, use_tuple);
  if (rec) co_return TransportResult{rec, 0, {}, {}};
  auto req = make_request(request, t);
  if (!t.tls) {
    beast::tcp_stream stream(ex);
    stream.expires_at(deadline);
    auto [cec, ep] = co_await stream.async_connect(endpoints, use_tuple);
    if (cec) co_return TransportResult{cec, 0, {}, {}};
    auto result =
        co_await exchange(stream, stream, req, deadline, impl->options.response_body_limit);
    beast::error_code ignored;  // Connection: close; the peer may have closed first
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return result;
  }
  beast::ssl_stream<beast::tcp_stream> stream(ex, impl->trusted_context());
  if (!SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str()))
    co_return TransportResult{std::make_error_code(std::errc::protocol_error), 0, {}, {}};
  stream.set_verify_callback(ssl::host_name_verification(t.host));
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_at(deadline);
  auto [cec, ep] = co_await lowest.async_connect(endpoints, use_tuple);
  if (cec) co_return TransportResult{cec, 0, {}, {}};
  lowest.expires_at(deadline);
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, use_tuple);
  if (hec) co_return TransportResult{hec, 0, {}, {}};
  auto result = co_await exchange(stream, lowest, req, deadline, impl->options.response_body_limit);
  lowest.expires_after(std::chrono::seconds(2));
  auto [sec] = co_await stream.async_shutdown(use_tuple);
  // Many servers close without a TLS close_notify; the response is complete, so that is harmless.
  if (sec && sec != ssl::error::stream_truncated && sec != net::error::eof)
    log::debug("tls shutdown with {}: {}", t.host, sec.message());
  co_return result;
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
