#include "bot/console/account_change.hpp"

namespace gridbot::console {

const char* to_string(AccountChange c) {
  switch (c) {
    case AccountChange::disable:
      return "disable";
    case AccountChange::enable:
      return "enable";
    case AccountChange::password:
      return "password";
    case AccountChange::revoke:
      return "revoke";
  }
  return "disable";
}

std::optional<AccountChange> parse_account_change(std::string_view s) {
  for (auto c : {AccountChange::disable, AccountChange::enable, AccountChange::password,
                 AccountChange::revoke})
    if (s == to_string(c)) return c;
  return std::nullopt;
}

AccountChangeResult change_account(store::WriteTx& tx, std::string_view name, AccountChange what,
                                   const std::string& password_hash, std::string_view label,
                                   AuditEntry audit) {
  AccountChangeResult r;
  auto a = tx.load_account(name);
  if (!a) return r;
  r.found = true;
  audit.action = std::string("account.") + to_string(what);
  audit.target = a->name;
  a->updated_ms = audit.at_ms;
  switch (what) {
    case AccountChange::disable:
    case AccountChange::enable:
      a->disabled = what == AccountChange::disable;
      tx.update_account(*a);
      break;
    case AccountChange::password:
      a->password_hash = password_hash;
      tx.update_account(*a);
      break;
    case AccountChange::revoke:
      r.tokens = tx.revoke_api_tokens(a->id, label, audit.at_ms);
      audit.detail = std::to_string(r.tokens) + " token(s)" +
                     (label.empty() ? "" : " labelled " + std::string(label));
      break;
  }
  // A disabled account and a changed password both mean "whoever holds a session now may not be
  // the owner": every session ends, the caller's own included.
  if (what == AccountChange::disable || what == AccountChange::password)
    tx.end_sessions("", a->id, audit.at_ms);
  audit.result = "ok";
  tx.add_audit(audit);
  return r;
}

}  // namespace gridbot::console
