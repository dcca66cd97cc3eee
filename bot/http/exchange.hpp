// Private to bot/http: the glue between Beast messages and the plain HttpRequest/HttpResponse the
// rest of the server sees, shared by the server and the TLS test server.
#pragma once

#include "base/common/http_types.hpp"
#include "bot/http/server.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include <memory>

namespace gridbot::http::exchange {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;

inline HttpRequest to_plain(const bhttp::request<bhttp::string_body>& r) {
  HttpRequest out;
  out.method = std::string(r.method_string());
  out.target = std::string(r.target());
  for (const auto& f : r)
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = r.body();
  return out;
}

/// The Beast response for `r`: its headers, JSON as the default content type, the payload set.
inline bhttp::response<bhttp::string_body> to_beast(HttpResponse&& r, unsigned version) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  bool has_type = false;
  for (auto& [k, v] : r.headers) {
    has_type = has_type || boost::beast::iequals(k, "Content-Type");
    res.set(k, v);
  }
  if (!has_type) res.set(bhttp::field::content_type, "application/json; charset=utf-8");
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

/// Opens, binds and listens `a` on listen:port (address reuse on, the system's backlog).
inline boost::system::error_code open_acceptor(net::ip::tcp::acceptor& a, const std::string& listen,
                                               uint16_t port) {
  boost::system::error_code ec;
  auto address = net::ip::make_address(listen, ec);
  if (ec) return ec;
  net::ip::tcp::endpoint ep{address, port};
  if (a.open(ep.protocol(), ec); ec) return ec;
  if (a.set_option(net::socket_base::reuse_address(true), ec); ec) return ec;
  if (a.bind(ep, ec); ec) return ec;
  a.listen(net::socket_base::max_listen_connections, ec);
  return ec;
}

/// The port `a` listens on, 0 when it does not.
inline uint16_t local_port(const net::ip::tcp::acceptor& a) {
  boost::system::error_code ec;
  auto ep = a.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

/// Bridges the callback-style handler (which may reply from another thread, e.g. the store's
/// writer) back onto the connection's strand. A named type rather than a lambda: GCC 12
/// mishandles lambdas with init-captures created inside coroutines.
struct HandlerInitiation {
  std::shared_ptr<const void> keep_alive;  // the server, while a reply is outstanding
  const Handler* handler;
  std::shared_ptr<HttpRequest> request;

  template <typename Completion>
  void operator()(Completion completion) const {
    auto shared = std::make_shared<Completion>(std::move(completion));
    (*handler)(std::move(*request), [shared](HttpResponse resp) {
      auto ex = net::get_associated_executor(*shared);
      auto boxed = std::make_shared<HttpResponse>(std::move(resp));
      net::post(ex, [shared, boxed] { (*shared)(std::move(*boxed)); });
    });
  }
};

/// Runs `handler` on `request` and resumes on the caller's strand with its answer. Not a
/// coroutine: GCC 12 destroys temporaries inside a co_await expression twice.
inline net::awaitable<HttpResponse> call(std::shared_ptr<const void> keep_alive,
                                         const Handler& handler,
                                         std::shared_ptr<HttpRequest> request) {
  return net::async_initiate<decltype(net::use_awaitable), void(HttpResponse)>(
      HandlerInitiation{std::move(keep_alive), &handler, std::move(request)}, net::use_awaitable);
}

}  // namespace gridbot::http::exchange
