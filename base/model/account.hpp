// Console accounts, their sessions and API tokens, and the audit log of what they changed
// (docs/console.md). Plain structs; the rules live in bot/console.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gridbot {

/// Ordered by what they may do: each role may do everything of the ones before it.
enum class AccountRole { viewer, operator_, controller, admin };

inline const char* to_string(AccountRole r) {
  switch (r) {
    case AccountRole::viewer:
      return "viewer";
    case AccountRole::operator_:
      return "operator";
    case AccountRole::controller:
      return "controller";
    case AccountRole::admin:
      return "admin";
  }
  return "viewer";
}

inline std::optional<AccountRole> parse_account_role(std::string_view s) {
  if (s == "viewer") return AccountRole::viewer;
  if (s == "operator") return AccountRole::operator_;
  if (s == "controller") return AccountRole::controller;
  if (s == "admin") return AccountRole::admin;
  return std::nullopt;
}

struct Account {
  int64_t id = 0;
  std::string name;          // the login name, unique
  std::string display_name;  // shown in the UI and in ticket histories
  std::string node;          // the org node whose subtree it sees; "" only for the legacy token
  AccountRole role = AccountRole::viewer;
  std::string password_hash;  // argon2id, libsodium's crypto_pwhash_str format
  bool disabled = false;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

/// A console login. The cookie carries a random id; the store keeps only its hash, so a copy of
/// the database opens no session.
struct Session {
  std::string id_hash;
  int64_t account_id = 0;
  std::string csrf;  // sent back by the page in X-CSRF-Token on every change
  std::string address;
  int64_t created_ms = 0;
  int64_t last_seen_ms = 0;
  int64_t ended_ms = 0;  // logout, or every session of an account whose password changed
};

/// A bearer token for /api/v1 with its account's scope; only its hash is stored.
struct ApiToken {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string hash;
  std::string label;
  int64_t created_ms = 0;
  int64_t revoked_ms = 0;
};

/// One change made through the console: who, when, what, and how it ended.
struct AuditEntry {
  int64_t id = 0;
  int64_t at_ms = 0;
  int64_t account_id = 0;
  std::string account;  // the login name at the time
  std::string action;   // login, login_failed, logout, ticket.accept, incident.approve, …
  std::string target;   // #1001, E3, an account name
  std::string detail;
  std::string result;  // ok, refused: <why>, …
  std::string address;
};

}  // namespace gridbot
