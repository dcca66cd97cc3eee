// Outage and emergency incidents: crews and controllers open them and post progress by
// keyword in their groups (or a utility system posts them to the API); each update waits for a
// controller's review unless a controller (or a pre-approved system call) wrote it; an approved
// update goes once into every affected building and grid group through the outbox, before routine
// traffic, replacing an older update still queued there. While an outage is open, residents' 停电
// reports from its buildings are linked to it and answered with its latest update (inhibition).
// Runs inside the inbox transaction like TicketService, and before it.
#pragma once

#include "base/common/clock.hpp"
#include "bot/channels/channel_table.hpp"
#include "bot/incidents/grammar.hpp"
#include "bot/knowledge/knowledge.hpp"
#include "base/model/incident.hpp"
#include "bot/store/store.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace gridbot::incidents {

using knowledge::Knowledge;

struct IncidentConfig {
  std::string hotline = "95598";  // printed in every notice
  /// A crew's photo within this long of their update joins it (docs/incidents.md "Photos");
  /// 0: photos join only the update whose message carried them.
  int64_t follow_up_ms = 5 * 60'000;
  /// A signed absolute link to a medium, "" when links cannot be made (no media.public_url).
  std::function<std::string(int64_t media_id)> media_link;
};

/// What a utility system (or a test) submits: a new incident with its first update, or an update.
struct IncidentSubmission {
  std::string kind;                // new incidents: power | water | gas | gas_leak | flood | other
  std::vector<std::string> scope;  // new incidents: terms (feeders, 台区, node ids or names)
  std::string update_kind;         // updates: progress | restored
  std::string text;                // cause (new incident) or progress
  std::string photo_url;
  std::string expected_restore;  // "HH:MM"
  std::string author;            // who posted it (system name)
  std::string external_id;       // the system's id: a retry with the same id creates nothing new
  bool pre_approved = false;     // skip review
};

/// The result of a submission; `error` empty means it was taken.
struct IncidentOutcome {
  std::string error;  // "unknown_scope: …", "not_found", "closed", "bad_kind", "need_text"
  int64_t no = 0;
  int64_t update_id = 0;
  bool duplicate = false;  // the external id was seen before: nothing new
  ReviewState review = ReviewState::pending;
  size_t groups = 0;
  int households = 0;
};

/// The ticket category an incident kind stands for (departments list the categories they own):
/// flood → water, gas_leak → gas, else the kind itself.
std::string category_of(const std::string& kind);

/// Thread safety: process() and submit_*() run on the store's writer thread (inside
/// Store::write); swap() from any thread.
class IncidentService {
 public:
  IncidentService(const channels::ChannelTable& channels,
                  std::shared_ptr<const Knowledge> knowledge,
                  std::shared_ptr<const IncidentGrammar> grammar, const Clock& clock,
                  IncidentConfig config);

  /// The pipeline processor's first step. Returns the inbox state when the message was an
  /// incident command in a department/crew group ("incident" or "refused"), or a resident's
  /// report absorbed by an open incident ("linked"); nullopt when it is none of these (the
  /// TicketService takes it).
  std::optional<std::string> process(const InboundMessage& m, int64_t row_id, store::WriteTx& tx);

  /// POST /api/v1/incidents, inside a store write.
  IncidentOutcome submit_incident(store::WriteTx& tx, const IncidentSubmission& s);
  /// POST /api/v1/incidents/{no}/updates, inside a store write.
  IncidentOutcome submit_update(store::WriteTx& tx, int64_t no, const IncidentSubmission& s);

  /// A controller's review from the console (docs/console.md), inside a store write: approves
  /// (fans out) or rejects (with `reason`, told to the author's group) update `update_id` of
  /// incident `no` — the same steps as 通过/驳回 in a controller's group. Only a waiting update
  /// is reviewed, so a chat review and a console review of one update cannot both take effect.
  /// error: "not_found", "not_pending", "need_reason".
  IncidentOutcome review_update(store::WriteTx& tx, int64_t no, int64_t update_id, bool approved,
                                const std::string& reason, const std::string& reviewer);

  /// The incident kind an open word of the command words names (停电 → power), or nullopt.
  std::optional<std::string> kind_of_word(std::string_view word) const;

  void swap(std::shared_ptr<const Knowledge> knowledge,
            std::shared_ptr<const IncidentGrammar> grammar);

 private:
  struct Ctx;  // one message or API call being processed (incident_context.hpp)
  Ctx context(store::WriteTx& tx, const InboundMessage* m) const;
  using Vars = std::map<std::string, std::string>;
  std::string on_command(Ctx& c, const IncidentCommand& cmd);
  std::string on_update(Ctx& c, const IncidentCommand& cmd, Incident& inc, bool controller,
                        Vars& vars);
  std::string on_review(Ctx& c, const IncidentCommand& cmd, Incident& inc, Vars& vars);
  void reject(Ctx& c, const Incident& inc, IncidentUpdate& u, const std::string& reviewer,
              const std::string& reason, const Vars& vars);
  /// Answers the command's sender in their group (template `name`).
  void answer(Ctx& c, const std::string& name, const Vars& vars);
  std::string refuse(Ctx& c, const std::string& why, const Vars& vars);
  std::string on_open(Ctx& c, const IncidentCommand& cmd, bool approved);
  /// A resident's report an open incident of its kind covers; `a`: the message's analysis.
  std::optional<std::string> inhibit(Ctx& c, const knowledge::Analysis& a);
  /// A photo in a crew or controller group, not a command: joins the sender's update within
  /// follow_up_ms (docs/incidents.md "Photos"), or nullopt.
  std::optional<std::string> on_photo(Ctx& c);
  /// The photos of update `u` as images into every reachable target group.
  void fan_out_photos(Ctx& c, const Incident& inc, const IncidentUpdate& u);
  /// Creates the incident with its targets and its first ("open") update.
  IncidentUpdate open_incident(Ctx& c, Incident& inc, IncidentUpdate first, bool approved);
  /// Stores the update; approved → applied to the incident and fanned out, else the reviewers
  /// are asked. Returns it with its id (0: the same external id was seen before).
  IncidentUpdate post_update(Ctx& c, Incident& inc, IncidentUpdate u, bool approved);
  void approve(Ctx& c, Incident& inc, IncidentUpdate& u, const std::string& reviewer);
  void fan_out(Ctx& c, const Incident& inc, const IncidentUpdate& u);
  void ask_review(Ctx& c, const Incident& inc, const IncidentUpdate& u);
  std::map<std::string, std::string> summary_vars(const Ctx& c, const Incident& inc) const;
  std::string notice_text(const Ctx& c, const Incident& inc, const IncidentUpdate& u) const;

  const channels::ChannelTable& channels_;
  const Clock& clock_;
  IncidentConfig config_;
  mutable std::mutex mu_;
  std::shared_ptr<const Knowledge> knowledge_;
  std::shared_ptr<const IncidentGrammar> grammar_;
};

}  // namespace gridbot::incidents
