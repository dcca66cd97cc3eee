// The download job (docs/media.md "The download job"): every pending media row is fetched through
// its channel's adapter (decrypted where the platform encrypts), checked for size and type by its
// bytes, and written to the content-addressed files; the outcome is written to its row. Like the
// outbox, the rows are the queue: a download that fails is retried with backoff, and whatever was
// pending when the process stopped (kill -9 included) is fetched after the restart.
#pragma once

#include "base/common/clock.hpp"
#include "base/common/worker.hpp"
#include "bot/channels/channel_table.hpp"
#include "bot/delivery/transport.hpp"
#include "bot/media/files.hpp"
#include "bot/store/store.hpp"

#include <deque>
#include <mutex>
#include <set>

namespace gridbot::media {

struct FetcherOptions {
  int64_t max_bytes = 10 * 1024 * 1024;  // a bigger medium is refused (failed)
  int max_attempts = 10;                 // failed downloads before the medium is failed
  int64_t backoff_initial_ms = 2'000;    // doubling, up to backoff_max_ms
  int64_t backoff_max_ms = 600'000;
  int64_t timeout_ms = 30'000;  // one download, all included
  int max_in_flight = 4;
  int64_t poll_ms = 1'000;  // idle re-check of the rows
};

/// Thread safety: start/stop from the owner; wake() from any thread. The work runs on one
/// Worker thread; downloads complete on the transport's threads and are handed to it.
class Fetcher {
 public:
  Fetcher(FetcherOptions options, const channels::ChannelTable& channels, store::Store& store,
          delivery::Transport& transport, const MediaFiles& files, const Clock& clock);
  ~Fetcher();

  void start();
  /// Look at the rows now (new media were committed).
  void wake() { worker_.wake(); }
  /// Stops the thread; downloads in flight are abandoned and their rows stay pending.
  void stop();

  /// One pass on the caller's thread, for tests: finishes completed downloads, then starts due
  /// ones. Returns how many downloads are still in flight.
  size_t step_for_test() { return step(); }

  struct Stats {
    uint64_t stored = 0, retried = 0, failed = 0;
  };
  Stats stats() const;

 private:
  struct Done {
    Media row;
    adapters::MediaOutcome outcome;
  };
  size_t step();
  void start_download(const Media& row, int64_t now);
  void finish(Done d);
  void complete(Media row, adapters::MediaOutcome outcome);
  void fetch_token(const channels::Channel& ch, HttpRequest request);
  int64_t backoff_ms(int attempts) const;

  const FetcherOptions options_;
  const channels::ChannelTable& channels_;
  store::Store& store_;
  delivery::Transport& transport_;
  const MediaFiles& files_;
  const Clock& clock_;
  Worker worker_;

  mutable std::mutex mu_;
  std::set<int64_t> busy_;        // rows being downloaded or finished, not yet recorded
  std::deque<Done> done_;         // downloads back from the transport
  std::set<std::string> tokens_;  // channels fetching an access token
  Stats stats_;
};

}  // namespace gridbot::media
