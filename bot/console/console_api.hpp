// The console (docs/console.md): the static UI from web/ and its JSON endpoints under
// /console/api/. Every endpoint but login needs a live session; every change needs the session's
// CSRF token; everything is seen and done within the account's subtree. Ticket actions and
// incident reviews run the same workflow functions as the chat commands.
#pragma once

#include "base/common/clock.hpp"
#include "base/common/http_types.hpp"
#include "bot/console/account_change.hpp"
#include "bot/console/auth.hpp"
#include "bot/console/knowledge_swap.hpp"
#include "bot/incidents/service.hpp"
#include "bot/store/store.hpp"
#include "bot/tickets/service.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace gridbot::console {

using Params = std::map<std::string, std::string>;
using Reply = std::function<void(HttpResponse)>;

/// One request being served: who asks, in which scope, with which parameters.
struct Call {
  const HttpRequest& req;
  Params& params;
  Principal who;
  Scope scope;
  std::shared_ptr<const knowledge::Knowledge> k;
};

struct ConsoleOptions {
  std::string web_dir = "web";            // the static UI
  size_t org_import_limit = 1024 * 1024;  // bytes of an uploaded org CSV
  /// A signed /media/ link to a ticket's medium ("" when it has none: failed, expired); unset
  /// when gridbot serves no media. The ticket page shows photos through it.
  std::function<std::string(const Media&)> media_link;
};

/// Thread safety: handle() is safe from any thread; writes go through Store::write.
class ConsoleApi {
 public:
  ConsoleApi(store::Store& store, Authenticator& auth, tickets::TicketService& tickets,
             incidents::IncidentService& incidents, KnowledgeSwap& swap, const Clock& clock,
             ConsoleOptions options)
      : store_(store),
        auth_(auth),
        tickets_(tickets),
        incidents_(incidents),
        swap_(swap),
        clock_(clock),
        options_(std::move(options)) {}

  /// "/", "/console" and everything under "/console/".
  static bool owns(std::string_view path);
  /// Calls `reply` exactly once. A store that cannot answer a read throws store::ReadError.
  void handle(const HttpRequest& request, const std::string& path, Params& params, Reply reply);

 private:
  void api(const HttpRequest& req, std::string_view path, Params& params, Reply& reply);
  void login(const HttpRequest& req, Reply& reply);
  // board.cpp
  HttpResponse tickets(Call& c);
  HttpResponse ticket(Call& c, int64_t no);
  void ticket_action(Call& c, int64_t no, Reply& reply);
  // review.cpp
  HttpResponse incidents(Call& c);
  HttpResponse incident(Call& c, int64_t no);
  void review(Call& c, int64_t no, int64_t update_id, Reply& reply);
  // assessment.cpp
  HttpResponse assessment(Call& c, std::string_view format);
  // health.cpp
  HttpResponse health(Call& c);
  HttpResponse org(Call& c);
  // org_import.cpp
  void org_import(Call& c, bool apply, Reply& reply);
  // accounts.cpp
  HttpResponse audit(Call& c);
  HttpResponse accounts(Call& c);
  void add_account(Call& c, Reply& reply);
  void manage_account(Call& c, std::string_view what, Reply& reply);
  void change_own_password(Call& c, Reply& reply);

  /// An audit row for a change by `c.who`.
  AuditEntry audit_entry(const Call& c, std::string action, std::string target) const;

  store::Store& store_;
  Authenticator& auth_;
  tickets::TicketService& tickets_;
  incidents::IncidentService& incidents_;
  KnowledgeSwap& swap_;
  const Clock& clock_;
  ConsoleOptions options_;
};

/// Helpers shared by the endpoint files.
HttpResponse json_error(int status, std::string_view error, std::string_view detail = {});
/// The request body as a flat JSON object of strings; nullopt when it is anything else.
std::optional<std::map<std::string, std::string>> body_fields(const std::string& body);

}  // namespace gridbot::console
