// The download job: rows → adapter request → transport → adapter outcome → checks → file → row.
#include "bot/media/fetcher.hpp"

#include "base/common/log.hpp"
#include "base/common/metrics.hpp"
#include "bot/media/sniff.hpp"

#include <algorithm>

namespace gridbot::media {

using adapters::MediaOutcome;
using adapters::Verdict;

Fetcher::Fetcher(FetcherOptions options, const channels::ChannelTable& channels,
                 store::Store& store, delivery::Transport& transport, const MediaFiles& files,
                 const Clock& clock)
    : options_(options),
      channels_(channels),
      store_(store),
      transport_(transport),
      files_(files),
      clock_(clock) {}

Fetcher::~Fetcher() { stop(); }

void Fetcher::start() {
  worker_.start("media-fetch", [this] {
    try {
      step();
    } catch (const store::ReadError& e) {
      log::warn("media: pending media cannot be read now: {}", e.what());
    }
    return std::chrono::milliseconds(options_.poll_ms);
  });
}

void Fetcher::stop() { worker_.stop(); }

Fetcher::Stats Fetcher::stats() const {
  std::lock_guard lk(mu_);
  return stats_;
}

size_t Fetcher::step() {
  std::deque<Done> done;
  {
    std::lock_guard lk(mu_);
    done.swap(done_);
  }
  for (auto& d : done) finish(std::move(d));

  const int64_t now = clock_.now_ms();
  size_t in_flight = 0;
  {
    std::lock_guard lk(mu_);
    in_flight = busy_.size();
  }
  if (in_flight >= static_cast<size_t>(options_.max_in_flight)) return in_flight;
  // A few more than there is room for: some of them may be busy already.
  const auto due = store_.due_media(now, options_.max_in_flight * 2 + 8);
  for (const auto& row : due) {
    {
      std::lock_guard lk(mu_);
      if (busy_.size() >= static_cast<size_t>(options_.max_in_flight)) break;
      if (!busy_.insert(row.id).second) continue;
    }
    start_download(row, now);
  }
  std::lock_guard lk(mu_);
  return busy_.size();
}

void Fetcher::start_download(const Media& row, int64_t now) {
  log::RequestScope scope("media-" + std::to_string(row.id));
  if (!row.ref.data.empty()) {  // sent inline (the bridge's base64): nothing to fetch
    complete(row, MediaOutcome{Verdict::delivered, row.ref.data, 0, {}});
    return;
  }
  const channels::Channel* ch = channels_.find(row.channel);
  if (ch == nullptr) {
    complete(row, {Verdict::failed, {}, 0, "channel " + row.channel + " is not configured"});
    return;
  }
  if (auto token = ch->adapter->token_request(now)) {
    // The download waits (the row stays due) until the channel has an access token.
    fetch_token(*ch, std::move(*token));
    std::lock_guard lk(mu_);
    busy_.erase(row.id);
    return;
  }
  auto request = ch->adapter->media_request(row.ref, now);
  if (!request) {
    complete(row, {Verdict::failed, {}, 0, "channel " + row.channel + " cannot fetch it"});
    return;
  }
  const channels::Channel* channel = ch;
  transport_.send(std::move(*request), options_.timeout_ms,
                  [this, row, channel](TransportResult r) {
                    auto outcome = channel->adapter->interpret_media(row.ref, std::move(r));
                    {
                      std::lock_guard lk(mu_);
                      done_.push_back({row, std::move(outcome)});
                    }
                    worker_.wake();
                  });
}

void Fetcher::fetch_token(const channels::Channel& ch, HttpRequest request) {
  {
    std::lock_guard lk(mu_);
    if (!tokens_.insert(ch.config.name).second) return;  // one fetch per channel at a time
  }
  const channels::Channel* channel = &ch;
  transport_.send(std::move(request), options_.timeout_ms, [this, channel](TransportResult r) {
    if (!channel->adapter->accept_token(r, clock_.now_ms()))
      log::warn("media: no access token for channel {}", channel->config.name);
    {
      std::lock_guard lk(mu_);
      tokens_.erase(channel->config.name);
    }
    worker_.wake();
  });
}

int64_t Fetcher::backoff_ms(int attempts) const {
  const int shift = std::clamp(attempts, 0, 20);
  return std::min(options_.backoff_max_ms, options_.backoff_initial_ms << shift);
}

void Fetcher::finish(Done d) { complete(std::move(d.row), std::move(d.outcome)); }

// Checks what came back and records the outcome; the row leaves busy_ once that is durable, so
// it is never picked up twice.
void Fetcher::complete(Media row, MediaOutcome outcome) {
  log::RequestScope scope("media-" + std::to_string(row.id));
  const int64_t now = clock_.now_ms();
  std::string sha, mime;
  if (outcome.verdict == Verdict::delivered) {
    const auto size = static_cast<int64_t>(outcome.bytes.size());
    mime = sniff_mime(outcome.bytes);
    if (size > options_.max_bytes) {
      outcome = {Verdict::failed, {}, 0, "over the size limit: " + std::to_string(size) + " bytes"};
    } else if (size == 0) {
      outcome = {Verdict::failed, {}, 0, "empty"};
    } else if (!allowed(row.ref.kind, mime)) {
      outcome = {Verdict::failed,
                 {},
                 0,
                 std::string("refused as ") + to_string(row.ref.kind) + ": " +
                     (mime.empty() ? std::string("unknown type") : mime)};
    } else {
      std::error_code ec;
      sha = files_.put(outcome.bytes, ec);
      if (ec) outcome = {Verdict::retry, {}, 0, "disk: " + ec.message()};
    }
  }
  const int64_t size = static_cast<int64_t>(outcome.bytes.size());
  const bool last_try = row.attempts + 1 >= options_.max_attempts;
  if (outcome.verdict == Verdict::retry && last_try)
    outcome = {Verdict::failed,
               {},
               0,
               outcome.detail + " (after " + std::to_string(row.attempts + 1) + " attempts)"};
  std::string result;
  const auto ec = store_.write_sync([&](store::WriteTx& tx) {
    switch (outcome.verdict) {
      case Verdict::delivered:
        tx.media_stored(row.id, sha, mime, size, now);
        result = "stored";
        break;
      case Verdict::throttled:
        tx.media_retry(
            row.id,
            now + (outcome.retry_after_ms > 0 ? outcome.retry_after_ms : backoff_ms(row.attempts)),
            outcome.detail, false);
        result = "throttled";
        break;
      case Verdict::retry:
        tx.media_retry(row.id, now + std::max(outcome.retry_after_ms, backoff_ms(row.attempts)),
                       outcome.detail, true);
        result = "retry";
        break;
      default:
        tx.media_failed(row.id, outcome.detail);
        result = "failed";
        break;
    }
  });
  if (ec) {
    // Not recorded: the row is still pending as it was and is fetched again.
    log::error("media {}: the outcome ({}) was not recorded: {}", row.id, outcome.detail,
               ec.message());
    result = "unrecorded";
  }
  log::vlog(result == "failed" ? log::level::warn : log::level::info,
            {"media",
             {{"media_id", row.id},
              {"channel", row.channel},
              {"result", result},
              {"bytes", size},
              {"mime", mime}}},
            "media {}: {} {}", fmt::make_format_args(row.id, result, outcome.detail));
  metrics::global().inc("gridbot_media_downloads_total", {{"result", result}});
  std::lock_guard lk(mu_);
  busy_.erase(row.id);
  if (result == "stored") ++stats_.stored;
  if (result == "retry" || result == "throttled") ++stats_.retried;
  if (result == "failed") ++stats_.failed;
}

}  // namespace gridbot::media
