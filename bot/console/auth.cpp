#include "bot/console/auth.hpp"

#include "adapters/common/crypto.hpp"
#include "base/common/errors.hpp"
#include "base/common/log.hpp"
#include "bot/console/secrets.hpp"

namespace gridbot::console {
namespace {

// A session's idle clock is written at most this often: a page polling every few seconds must
// not turn every read into a write.
constexpr int64_t kTouchEveryMs = 60'000;

// A password checked against this when the account does not exist, so that a wrong name takes as
// long as a wrong password (no name probing by timing).
const std::string& dummy_hash() {
  static const std::string h = hash_password("gridbot: no such account");
  return h;
}

Principal from_account(const Account& a) {
  Principal p;
  p.account_id = a.id;
  p.name = a.name;
  p.display_name = a.display_name.empty() ? a.name : a.display_name;
  p.node = a.node;
  p.role = a.role;
  return p;
}

}  // namespace

std::string cookie_value(const HttpRequest& req, std::string_view name) {
  for (const auto& [k, v] : req.headers) {
    if (k.size() != 6 || !(k[0] == 'C' || k[0] == 'c') || k.substr(1) != "ookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      std::string_view part = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      const auto eq = part.find('=');
      if (eq != std::string_view::npos && part.substr(0, eq) == name)
        return std::string(part.substr(eq + 1));
    }
  }
  return {};
}

Authenticator::Authenticator(store::Store& store, const Clock& clock, AuthOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      by_account_(options_.account_failures, options_.throttle_window_ms),
      by_address_(options_.address_failures, options_.throttle_window_ms) {}

std::optional<Principal> Authenticator::principal_of(int64_t account_id) const {
  auto a = store_.account_by_id(account_id);
  if (!a || a->disabled) return std::nullopt;
  return from_account(*a);
}

std::optional<Principal> Authenticator::bearer(const HttpRequest& req) const {
  const auto auth = header_value(req.headers, "Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.rfind(kBearer, 0) != 0) return std::nullopt;
  const auto token = auth.substr(kBearer.size());
  if (token.empty()) return std::nullopt;
  if (!options_.api_token.empty() && adapters::constant_time_equal(token, options_.api_token)) {
    Principal p;
    p.name = "api.token";
    p.display_name = "api.token";
    p.role = AccountRole::admin;
    return p;
  }
  // Account tokens are looked up by their hash: the comparison is the index's, on a value an
  // attacker cannot steer toward a stored hash.
  auto t = store_.api_token(token_hash(token));
  if (!t || t->revoked_ms != 0) return std::nullopt;
  return principal_of(t->account_id);
}

std::optional<Principal> Authenticator::session(const HttpRequest& req) {
  const std::string id = cookie_value(req, kSessionCookie);
  if (id.size() != 64) return std::nullopt;
  const std::string hash = token_hash(id);
  auto s = store_.session(hash);
  const int64_t now = clock_.now_ms();
  if (!s || s->ended_ms != 0 || now - s->last_seen_ms > options_.idle_ms ||
      now - s->created_ms > options_.absolute_ms)
    return std::nullopt;
  auto p = principal_of(s->account_id);
  if (!p) return std::nullopt;
  p->session_hash = hash;
  p->csrf = s->csrf;
  if (now - s->last_seen_ms > kTouchEveryMs)
    store_.write([hash, now](store::WriteTx& tx) { tx.touch_session(hash, now); }, nullptr);
  return p;
}

bool Authenticator::csrf_ok(const HttpRequest& req, const Principal& p) {
  const auto sent = header_value(req.headers, "X-CSRF-Token");
  return !p.csrf.empty() && !sent.empty() && adapters::constant_time_equal(sent, p.csrf);
}

void Authenticator::login(const std::string& name, const std::string& password,
                          const std::string& address, std::function<void(LoginResult)> done) {
  const int64_t now = clock_.now_ms();
  const std::string account_key = "a:" + name;
  const std::string address_key = "ip:" + address;
  const int64_t wait =
      std::max(by_account_.wait_ms(account_key, now), by_address_.wait_ms(address_key, now));
  auto audit = [now, name, address](int64_t account_id, std::string action, std::string result) {
    AuditEntry e;
    e.at_ms = now;
    e.account_id = account_id;
    e.account = name;
    e.action = std::move(action);
    e.result = std::move(result);
    e.address = address;
    return e;
  };
  if (wait > 0) {
    LoginResult r;
    r.status = 429;
    r.retry_after_s = (wait + 999) / 1000;
    store_.write([e = audit(0, "login", "throttled")](store::WriteTx& tx) { tx.add_audit(e); },
                 nullptr);
    return done(std::move(r));
  }
  std::optional<Account> a;
  try {
    a = store_.account(name);
  } catch (const store::ReadError&) {
    LoginResult r;
    r.status = 503;
    return done(std::move(r));
  }
  const bool ok = verify_password(password, a ? a->password_hash : dummy_hash()) && a &&
                  !a->disabled && !a->node.empty();
  if (!ok) {
    by_account_.failed(account_key, now);
    by_address_.failed(address_key, now);
    store_.write(
        [e = audit(a ? a->id : 0, "login", "failed")](store::WriteTx& tx) { tx.add_audit(e); },
        nullptr);
    return done(LoginResult{});
  }
  by_account_.succeeded(account_key);
  Session s;
  const std::string id = random_hex(32);
  s.id_hash = token_hash(id);
  s.account_id = a->id;
  s.csrf = random_hex(32);
  s.address = address;
  s.created_ms = now;
  s.last_seen_ms = now;
  LoginResult r;
  r.status = 200;
  r.principal = from_account(*a);
  r.principal.session_hash = s.id_hash;
  r.principal.csrf = s.csrf;
  r.set_cookie =
      std::string(kSessionCookie) + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
      std::to_string(options_.absolute_ms / 1000) + (options_.secure_cookie ? "; Secure" : "");
  auto result = std::make_shared<LoginResult>(std::move(r));
  store_.write(
      [s, e = audit(a->id, "login", "ok")](store::WriteTx& tx) {
        tx.add_session(s);
        tx.add_audit(e);
      },
      [result, done = std::move(done)](std::error_code ec) {
        if (ec) {
          LoginResult failed;
          failed.status = 503;
          return done(std::move(failed));
        }
        done(std::move(*result));
      });
}

void Authenticator::logout(const Principal& p, const std::string& address,
                           std::function<void(std::error_code)> done) {
  AuditEntry e;
  e.at_ms = clock_.now_ms();
  e.account_id = p.account_id;
  e.account = p.name;
  e.action = "logout";
  e.result = "ok";
  e.address = address;
  store_.write(
      [e, hash = p.session_hash](store::WriteTx& tx) {
        tx.end_sessions(hash, 0, e.at_ms);
        tx.add_audit(e);
      },
      std::move(done));
}

int Authenticator::check_password(const Principal& p, const std::string& password,
                                  const std::string& address) {
  const int64_t now = clock_.now_ms();
  const std::string account_key = "a:" + p.name;
  const std::string address_key = "ip:" + address;
  if (std::max(by_account_.wait_ms(account_key, now), by_address_.wait_ms(address_key, now)) > 0)
    return 429;
  std::optional<Account> a;
  try {
    a = store_.account(p.name);
  } catch (const store::ReadError&) {
    return 503;
  }
  if (a && a->id == p.account_id && verify_password(password, a->password_hash)) return 200;
  by_account_.failed(account_key, now);
  by_address_.failed(address_key, now);
  return 401;
}

std::string Authenticator::client_address(const HttpRequest& req) const {
  if (options_.trusted_proxies.empty()) return req.peer;
  auto trusted = [this](const IpAddress& a) {
    for (const auto& r : options_.trusted_proxies)
      if (in_range(r, a)) return true;
    return false;
  };
  const auto peer = parse_ip(req.peer);
  if (!peer || !trusted(*peer)) return req.peer;
  // Each proxy appends the address it took the request from, so the list is read from the right:
  // the first address no trusted proxy could have added is the client. Anything left of it the
  // client may have written itself, and a hop that is not an address ends the walk.
  std::vector<std::string_view> hops;
  for (auto value : header_values(req.headers, "X-Forwarded-For")) {
    while (!value.empty()) {
      const auto comma = value.find(',');
      auto hop = value.substr(0, comma);
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
      while (!hop.empty() && (hop.front() == ' ' || hop.front() == '\t')) hop.remove_prefix(1);
      while (!hop.empty() && (hop.back() == ' ' || hop.back() == '\t')) hop.remove_suffix(1);
      hops.push_back(hop);
    }
  }
  IpAddress client = *peer;
  for (auto it = hops.rbegin(); it != hops.rend() && trusted(client); ++it) {
    const auto a = parse_ip(*it);
    if (!a) break;
    client = *a;
  }
  return ip_to_string(client);
}

std::string Authenticator::clear_cookie() const {
  return std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
         (options_.secure_cookie ? "; Secure" : "");
}

}  // namespace gridbot::console
