// The inbound path: adapter verify+parse → commit to the inbox (dedupe on channel, chat and
// message id) with the processing of each new message in the same transaction → ack.
#pragma once

#include "base/common/clock.hpp"
#include "base/common/http_types.hpp"
#include "base/common/task_pool.hpp"
#include "bot/channels/channel_table.hpp"
#include "bot/store/store.hpp"

#include <atomic>
#include <functional>

namespace gridbot::intake {

/// Thread safety: handle_hook is safe from any thread; set_processor only before serving.
class Inbox {
 public:
  /// Runs inside the inbox transaction for each newly stored message that is not from a bot, with
  /// its inbox row id. Whatever it queues (tickets, outbox rows) commits with the message or not
  /// at all; if it throws, its own changes are rolled back and the message is kept as "failed".
  /// Returns the message's inbox state ("processed", "ticket", "ignored", …).
  using Processor =
      std::function<std::string(const InboundMessage&, int64_t row_id, store::WriteTx&)>;
  using Reply = std::function<void(HttpResponse)>;

  Inbox(const channels::ChannelTable& channels, store::Store& store, const Clock& clock)
      : channels_(channels), store_(store), clock_(clock) {}

  void set_processor(Processor p) { processor_ = std::move(p); }

  /// Work that reads (a command's answer from committed data) and so must happen before the
  /// write, off the I/O threads and off the writer: `needs` is asked on the caller's thread;
  /// `prepare` runs on `pool` for each message that needs it, then the batch is committed.
  struct Preparer {
    std::function<bool(const InboundMessage&)> needs;
    std::function<void(InboundMessage&)> prepare;
    TaskPool* pool = nullptr;
  };
  void set_preparer(Preparer p) { preparer_ = std::move(p); }
  /// What needs no store (knowledge::analyse: the group's node, command, classification), worked
  /// out for each message not from a bot on the caller's thread before the preparer and the
  /// write, so the one writer thread does not.
  void set_analyser(std::function<void(InboundMessage&)> f) { analyser_ = std::move(f); }

  /// Called after a commit that stored media rows (the download job wakes up). Set before
  /// serving; runs on the store's completion thread: return at once.
  void set_media_listener(std::function<void()> f) { media_listener_ = std::move(f); }

  /// Handles POST /hook/{channel}. `reply` is called exactly once: with the adapter's answer after
  /// the messages are durable, or with an error (404 unknown channel, 401/400/405 from the
  /// adapter, 503 when the store cannot commit). Called on the store's completion thread or the
  /// caller's: post to your executor. Each message carries the caller's log::request_id() (a
  /// fresh one when it has none) onto whatever its processing queues.
  void handle_hook(std::string_view channel, const HttpRequest& request, Reply reply);

  /// Commits messages that arrived some other way than a webhook (a long connection) exactly as
  /// handle_hook commits a parsed request: dedupe, processor, one transaction. `done` is called
  /// once with the commit's result (empty when durable), on the store's completion thread.
  void handle_messages(std::string_view channel, std::vector<InboundMessage> messages,
                       std::function<void(std::error_code)> done);

  struct Stats {
    uint64_t accepted = 0, duplicates = 0, rejected = 0;
  };
  Stats stats() const { return {accepted_.load(), duplicates_.load(), rejected_.load()}; }

 private:
  void commit(std::vector<InboundMessage> messages, std::function<void(std::error_code)> done);
  void write_batch(std::vector<InboundMessage> messages, std::function<void(std::error_code)> done);
  /// Counts a committed batch: (channel, accepted|duplicate) per message, ("", state) per
  /// processed one.
  void record(const std::vector<std::pair<std::string, std::string>>& seen);
  static void count(std::string_view channel, std::string_view result);

  const channels::ChannelTable& channels_;
  store::Store& store_;
  const Clock& clock_;
  Processor processor_;
  Preparer preparer_;
  std::function<void(InboundMessage&)> analyser_;
  std::function<void()> media_listener_;
  std::atomic<uint64_t> accepted_{0}, duplicates_{0}, rejected_{0};
};

}  // namespace gridbot::intake
