// `gridbot user add|token|list|disable|enable|passwd|revoke`: console accounts and their API
// tokens (docs/console.md).
#include "base/config/config.hpp"
#include "bot/app/app.hpp"
#include "bot/console/account_change.hpp"
#include "bot/console/secrets.hpp"
#include "bot/knowledge/org_loader.hpp"
#include "bot/store/store.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>

namespace gridbot::app {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The configured store, or null with the problem printed.
std::unique_ptr<store::Store> open_configured(const std::string& config_file, config::Config* cfg) {
  std::vector<std::string> errors;
  auto c = config::load_config(config_file, config::process_env(), &errors);
  if (!c) {
    for (const auto& e : errors) std::cerr << "error: " << e << "\n";
    return nullptr;
  }
  *cfg = std::move(*c);
  std::string err;
  auto s = store::open_sqlite_store(cfg->store.path, {}, &err);
  if (!s) std::cerr << "error: " << err << "\n";
  return s;
}

// A new password from $GRIDBOT_PASSWORD or the first line of stdin; "" (with the reason printed)
// when it is not acceptable.
std::string read_password() {
  std::string password;
  if (const char* env = std::getenv("GRIDBOT_PASSWORD")) {
    password = env;
  } else {
    std::cerr << "password: ";
    std::getline(std::cin, password);
  }
  if (!console::password_acceptable(password)) {
    std::cerr << "error: the password needs " << console::kMinPassword << " to "
              << console::kMaxPassword << " characters\n";
    return {};
  }
  return password;
}

AuditEntry cli_audit(std::string action, std::string target) {
  AuditEntry e;
  e.at_ms = now_ms();
  e.account = "cli";
  e.action = std::move(action);
  e.target = std::move(target);
  return e;
}

}  // namespace

int user_add(const std::string& config_file, const std::string& name, const std::string& node,
             const std::string& role_text, const std::string& display_name) {
  const auto role = parse_account_role(role_text);
  if (!role) {
    std::cerr << "error: --role is viewer, operator, controller or admin\n";
    return 2;
  }
  config::Config cfg;
  auto store = open_configured(config_file, &cfg);
  if (!store) return 1;
  std::vector<std::string> errors;
  auto tree = knowledge::import_org(cfg.org_files, store.get(), &errors);
  if (!tree) {
    for (const auto& e : errors) std::cerr << "error: " << e << "\n";
    return 1;
  }
  if (tree->find(node) == nullptr) {
    std::cerr << "error: --node " << node << ": no such org node\n";
    return 1;
  }
  const std::string password = read_password();
  if (password.empty()) return 1;
  Account a;
  a.name = name;
  a.display_name = display_name.empty() ? name : display_name;
  a.node = node;
  a.role = *role;
  a.password_hash = console::hash_password(password);
  a.created_ms = a.updated_ms = now_ms();
  int64_t id = 0;
  AuditEntry e = cli_audit("account.add", name);
  e.detail = node + " " + to_string(a.role);
  const auto ec = store->write_sync([&](store::WriteTx& tx) {
    id = tx.add_account(a);
    e.result = id ? "ok" : "refused: name taken";
    tx.add_audit(e);
  });
  store->close();
  if (ec || id == 0) {
    std::cerr << "error: " << (ec ? ec.message() : "an account named " + name + " exists") << "\n";
    return 1;
  }
  std::cout << "added " << name << " (" << to_string(a.role) << " of " << node << ")\n";
  return 0;
}

int user_token(const std::string& config_file, const std::string& name, const std::string& label) {
  config::Config cfg;
  auto store = open_configured(config_file, &cfg);
  if (!store) return 1;
  const auto a = store->account(name);
  if (!a) {
    std::cerr << "error: no account named " << name << "\n";
    return 1;
  }
  // "gbt_" marks it as ours for secret scanners; 32 random bytes; only the hash is stored.
  const std::string token = "gbt_" + console::random_hex(32);
  ApiToken t;
  t.account_id = a->id;
  t.hash = console::token_hash(token);
  t.label = label;
  t.created_ms = now_ms();
  const auto ec = store->write_sync([&](store::WriteTx& tx) { tx.add_api_token(t); });
  store->close();
  if (ec) {
    std::cerr << "error: " << ec.message() << "\n";
    return 1;
  }
  std::cout << token << "\n";
  return 0;
}

int user_list(const std::string& config_file) {
  config::Config cfg;
  auto store = open_configured(config_file, &cfg);
  if (!store) return 1;
  for (const auto& a : store->accounts())
    std::cout << a.name << "\t" << to_string(a.role) << "\t" << a.node << "\t" << a.display_name
              << (a.disabled ? "\tdisabled" : "") << "\n";
  store->close();
  return 0;
}

int user_change(const std::string& config_file, const std::string& name, const std::string& what,
                const std::string& label) {
  const auto change = console::parse_account_change(what);
  if (!change) return 2;
  config::Config cfg;
  auto store = open_configured(config_file, &cfg);
  if (!store) return 1;
  // Asked before the password, so a mistyped name is not followed by a prompt.
  if (!store->account(name)) {
    std::cerr << "error: no account named " << name << "\n";
    return 1;
  }
  std::string hash;
  if (*change == console::AccountChange::password) {
    const std::string password = read_password();
    if (password.empty()) return 1;
    hash = console::hash_password(password);
  }
  console::AccountChangeResult r;
  const auto ec = store->write_sync([&](store::WriteTx& tx) {
    r = console::change_account(tx, name, *change, hash, label, cli_audit("", name));
  });
  store->close();
  if (ec || !r.found) {
    std::cerr << "error: " << (ec ? ec.message() : "no account named " + name) << "\n";
    return 1;
  }
  switch (*change) {
    case console::AccountChange::disable:
      std::cout << name << ": disabled; its sessions ended\n";
      break;
    case console::AccountChange::enable:
      std::cout << name << ": enabled\n";
      break;
    case console::AccountChange::password:
      std::cout << name << ": password changed; its sessions ended\n";
      break;
    case console::AccountChange::revoke:
      std::cout << name << ": " << r.tokens << " token(s) revoked\n";
      break;
  }
  return 0;
}

}  // namespace gridbot::app
