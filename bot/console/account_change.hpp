// Changes to an existing account — disable, enable, a new password, revoking its API tokens —
// written once for the console's 账号 page, its 修改密码 form and `gridbot user
// disable|enable|passwd|revoke` (docs/console.md "Accounts").
#pragma once

#include "base/model/account.hpp"
#include "bot/store/store.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace gridbot::console {

/// A password is 10 to 1024 bytes (the upper bound keeps the hash's input sane).
inline constexpr size_t kMinPassword = 10;
inline constexpr size_t kMaxPassword = 1024;
inline bool password_acceptable(std::string_view p) {
  return p.size() >= kMinPassword && p.size() <= kMaxPassword;
}

enum class AccountChange { disable, enable, password, revoke };
const char* to_string(AccountChange c);
std::optional<AccountChange> parse_account_change(std::string_view s);

struct AccountChangeResult {
  bool found = false;  // false: no account of that name; nothing changed, nothing audited
  int64_t tokens = 0;  // tokens revoked (revoke)
};

/// Applies `what` to the account named `name` inside `tx`, with its audit row: `audit` carries
/// who, when and from where; its action becomes "account.<what>", its target the name.
/// - disable: the account's sessions end; its tokens open nothing while it stays disabled.
/// - enable: sessions and tokens that were live work again (ended sessions stay ended).
/// - password: `password_hash` (hash_password's) replaces the old one; every session ends.
/// - revoke: every live API token of the account ends (those labelled `label` when not empty).
AccountChangeResult change_account(store::WriteTx& tx, std::string_view name, AccountChange what,
                                   const std::string& password_hash, std::string_view label,
                                   AuditEntry audit);

}  // namespace gridbot::console
