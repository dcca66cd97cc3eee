// The confirmation poller: outbox rows a platform holds as a task a person must confirm (a WeCom
// customer-group send, confirmed by the group's owner) stay `awaiting_confirmation` until the
// platform says the task was carried out. One thread asks the platform about every awaiting row
// every `confirm_poll_ms`, and records the answer: delivered at the owner's send time, failed
// when the platform will never send it, or failed when nobody confirmed it within
// `confirm_max_age_h` (so an operator sees what residents were never shown).
#pragma once

#include "base/common/clock.hpp"
#include "base/common/worker.hpp"
#include "base/config/config.hpp"
#include "bot/channels/channel_table.hpp"
#include "bot/delivery/transport.hpp"
#include "bot/store/store.hpp"

#include <unordered_map>

namespace gridbot::delivery {

/// Thread safety: start/stop from the owner; poll_once from one thread at a time (the poller's
/// own, or a test's with no thread running).
class ConfirmationPoller {
 public:
  ConfirmationPoller(const config::OutboxConfig& cfg, const channels::ChannelTable& channels,
                     store::Store& store, Transport& transport, const Clock& clock)
      : cfg_(cfg), channels_(channels), store_(store), transport_(transport), clock_(clock) {}
  ~ConfirmationPoller() { stop(); }

  /// Starts the thread (one cheap store query per period when nothing awaits).
  void start();
  void stop();

  struct Counts {
    int asked = 0, confirmed = 0, failed = 0, expired = 0, pending = 0, unknown = 0, later = 0;
  };
  /// Asks about every awaiting row that is due and waits until the answers are durable.
  Counts poll_once();

 private:
  /// What a confirmation turned a row into.
  struct Change {
    int64_t id;
    bool delivered;
    int64_t at_ms;
    std::string why;
  };
  /// Every awaiting row; forgets the schedule of rows no longer awaiting.
  std::vector<OutboxItem> awaiting_rows();
  /// Asks the platform about one row (fetching a token first when the channel needs one).
  void ask_about(const channels::Channel& ch, const OutboxItem& row, int64_t age, Counts& counts,
                 std::vector<Change>& changes);
  /// Sends `request` and waits for the answer (or the send timeout).
  TransportResult ask(HttpRequest request);

  const config::OutboxConfig cfg_;
  const channels::ChannelTable& channels_;
  store::Store& store_;
  Transport& transport_;
  const Clock& clock_;
  Worker worker_;
  // When each still-awaiting row may be asked about again: a task gets asked less often as it
  // ages (every tenth of its age, at least confirm_poll_ms), so thousands of old tasks do not
  // crowd out the new ones. In memory only: after a restart every row is asked once.
  std::unordered_map<int64_t, int64_t> next_ask_;
};

}  // namespace gridbot::delivery
