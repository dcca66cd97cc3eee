// The outbox dispatcher: delivers committed outbox rows through each channel's adapter, paced per
// destination to the platform's limit, highest priority first, retried with backoff, resumed
// after a restart (docs/design.md "Every outgoing message goes through the outbox").
#pragma once

#include "base/common/clock.hpp"
#include "base/config/config.hpp"
#include "bot/channels/channel_table.hpp"
#include "bot/delivery/rate_window.hpp"
#include "bot/delivery/transport.hpp"
#include "bot/store/store.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <set>
#include <thread>
#include <unordered_map>

namespace gridbot::delivery {

/// What the medium of an image row is when the row is due (docs/media.md "Media out").
struct ImageLookup {
  enum class State { pending, ready, gone };
  State state = State::gone;
  adapters::OutgoingImage image;  // ready: the bytes and their type
  std::string why;                // gone: why it will never be there
};
/// Reads media row `media_id` and, once stored, its file. Called on the dispatcher's thread.
using ImageSource = std::function<ImageLookup(int64_t media_id)>;

/// Thread safety: all public methods are safe from any thread (one mutex guards the schedule;
/// sends are started outside it).
class Outbox {
 public:
  Outbox(const config::OutboxConfig& cfg, const channels::ChannelTable& channels,
         store::Store& store, Transport& transport, const Clock& clock);
  ~Outbox();

  /// Where image rows find their photos; without one they fail. Call before start().
  void set_image_source(ImageSource source) { image_source_ = std::move(source); }
  /// Registers as the store's outbox listener, loads every pending row, starts the dispatcher.
  void start();
  /// Rows just committed (the store's listener calls this).
  void on_committed(const std::vector<OutboxItem>& items);
  /// Stops starting sends and waits up to drain_ms for those in flight. Idempotent.
  void stop(int64_t drain_ms);

  struct Stats {
    size_t queued = 0;
    size_t in_flight = 0;
    uint64_t delivered = 0;
    uint64_t retried = 0;
    uint64_t failed = 0;
    uint64_t superseded = 0;     // replaced by a newer row before they were sent
    uint64_t result_writes = 0;  // store writes that recorded send results (many per write)
  };
  Stats stats() const;

  /// Rows waiting per channel and the creation time of the oldest (0 when none), for /metrics.
  struct ChannelDepth {
    size_t rows = 0;
    int64_t oldest_created_ms = 0;
  };
  std::map<std::string, ChannelDepth> depth_by_channel() const;

  /// Makes the dispatcher look at the schedule now (tests move a FakeClock, then call this).
  void wake_for_test() { cv_.notify_all(); }

 private:
  struct Dest;
  void run();
  void add_locked(const OutboxItem& item);
  void schedule_locked(Dest& d, int64_t now);
  void supersede_locked(Dest& d, const OutboxItem& item);
  void start_send_locked(Dest& d, int64_t now, std::unique_lock<std::mutex>& lk);
  /// An image row: its photo read outside the lock, then (an upload and) the send.
  void start_image_locked(Dest& d, OutboxItem item, std::unique_lock<std::mutex>& lk);
  void send_image(const std::string& key, OutboxItem item);
  void send_image_request(const std::string& key, OutboxItem item, adapters::OutgoingImage image,
                          int64_t started_ms);
  /// The photo is still downloading: the row waits image_poll_ms, no attempt counted.
  void wait_for_image(const std::string& key, const OutboxItem& item);
  /// `took_ms`: how long the send took, for the log.
  void on_result(const std::string& key, OutboxItem item, TransportResult result, int64_t took_ms);
  void on_outcome(const std::string& key, const OutboxItem& item,
                  const adapters::SendOutcome& outcome, int status, int64_t took_ms);
  void retry_locked(Dest& d, const OutboxItem& item, const adapters::SendOutcome& outcome,
                    int64_t now);
  void disable_locked(Dest& d, const OutboxItem& item, const std::string& why);
  void record_final(int64_t id, DeliveryState state, std::string why);
  /// Queues one send's result for the store. Results wait together for the writer: all that
  /// arrive while one write is queued go into that write (one savepoint, one commit share).
  void record(std::function<void(store::WriteTx&)> change);
  /// Parks destination `key` until `channel` has an access token, fetching one if none is coming.
  void await_token_locked(const std::string& channel, const std::string& key, HttpRequest fetch,
                          std::unique_lock<std::mutex>& lk);
  void on_token(const std::string& channel, TransportResult result);
  int64_t backoff_ms(const OutboxItem& item) const;

  const config::OutboxConfig cfg_;
  const channels::ChannelTable& channels_;
  store::Store& store_;
  Transport& transport_;
  const Clock& clock_;
  ImageSource image_source_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, std::unique_ptr<Dest>> dests_;
  // Destinations waiting for a time (retry, rate window), and those ready now by priority.
  struct Wake {
    int64_t at;
    std::string key;
    uint64_t gen;
  };
  struct WakeLater {
    bool operator()(const Wake& a, const Wake& b) const { return a.at > b.at; }
  };
  std::priority_queue<Wake, std::vector<Wake>, WakeLater> waiting_;
  struct Ready {
    int priority;
    int64_t id;
    std::string key;
    uint64_t gen;
  };
  struct ReadyLess {
    bool operator()(const Ready& a, const Ready& b) const {
      return a.priority != b.priority ? a.priority < b.priority : a.id > b.id;
    }
  };
  std::priority_queue<Ready, std::vector<Ready>, ReadyLess> ready_;
  size_t in_flight_ = 0;
  size_t queued_ = 0;
  uint64_t delivered_ = 0, retried_ = 0, failed_ = 0, superseded_ = 0;
  bool stopping_ = false;
  std::thread thread_;
  // Channels fetching an access token, and the destinations waiting for it.
  std::map<std::string, std::vector<std::string>> token_waiters_;
  // Channels with a total_rate_per_minute: one window over all their destinations.
  std::unordered_map<std::string, RateWindow> channel_windows_;
  // Send results waiting for the writer; shared with the write that takes them, which may run
  // after this object is gone (the store drains its queue when it closes).
  struct Results {
    std::mutex mu;  // guards changes, queued
    std::vector<std::function<void(store::WriteTx&)>> changes;
    bool queued = false;  // a write that will take them is in the store's queue
  };
  std::shared_ptr<Results> results_ = std::make_shared<Results>();
  std::atomic<uint64_t> result_writes_{0};
  /// The earliest time channel `channel` may start a send (now when it has no total limit).
  int64_t channel_ready_at_locked(const std::string& channel, int64_t now);
};

}  // namespace gridbot::delivery
