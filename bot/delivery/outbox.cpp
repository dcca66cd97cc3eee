// Outbox scheduling: per destination one send in flight (order kept), a sliding rate window,
// retry backoff; across destinations the highest priority, then the oldest row, goes first.
#include "bot/delivery/outbox.hpp"

#include "adapters/common/text.hpp"
#include "base/common/errors.hpp"
#include "base/common/log.hpp"
#include "base/common/metrics.hpp"
#include "base/common/thread_name.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

namespace gridbot::delivery {

struct Outbox::Dest {
  std::string channel, chat;
  std::map<std::pair<int, int64_t>, OutboxItem> queue;  // (-priority, id): head first
  RateWindow window = RateWindow::per_minute(20);
  bool in_flight = false;
  bool disabled = false;
  int64_t blocked_until = 0;  // backoff after a retry or throttle
  uint64_t gen = 0;           // bumps on every reschedule; stale heap entries are skipped
  int64_t in_flight_id = 0;
  bool in_flight_superseded = false;  // a newer row replaced the one on the wire
  // Image rows whose photo is still downloading: until their next look they step aside, so a
  // slow download never holds the group's later messages (the photo arrives after them).
  std::set<int64_t> image_waiting;

  /// The row to send next: the first that is not an image waiting for its photo, or, when only
  /// those are left, the one looked at soonest.
  std::map<std::pair<int, int64_t>, OutboxItem>::iterator head(int64_t now) {
    auto soonest = queue.end();
    for (auto it = queue.begin(); it != queue.end(); ++it) {
      if (!image_waiting.count(it->second.id) || it->second.next_try_ms <= now) return it;
      if (soonest == queue.end() || it->second.next_try_ms < soonest->second.next_try_ms)
        soonest = it;
    }
    return soonest;
  }
};

namespace {
std::string dest_key(const std::string& channel, const std::string& chat) {
  return channel + '\x1f' + chat;
}

const char* verdict_name(adapters::Verdict v) {
  switch (v) {
    case adapters::Verdict::delivered:
      return "delivered";
    case adapters::Verdict::retry:
      return "retry";
    case adapters::Verdict::throttled:
      return "throttled";
    case adapters::Verdict::failed:
      return "failed";
    case adapters::Verdict::disabled:
      return "disabled";
    case adapters::Verdict::awaiting:
      return "awaiting";
  }
  return "other";
}
}  // namespace

Outbox::Outbox(const config::OutboxConfig& cfg, const channels::ChannelTable& channels,
               store::Store& store, Transport& transport, const Clock& clock)
    : cfg_(cfg), channels_(channels), store_(store), transport_(transport), clock_(clock) {}

Outbox::~Outbox() { stop(0); }

void Outbox::start() {
  store_.set_outbox_listener([this](const std::vector<OutboxItem>& items) { on_committed(items); });
  auto pending = store_.pending_outbox();
  {
    std::lock_guard lk(mu_);
    for (const auto& item : pending) add_locked(item);
  }
  log::info("outbox: {} pending rows resumed", pending.size());
  thread_ = std::thread([this] {
    name_this_thread("outbox");
    run();
  });
}

void Outbox::on_committed(const std::vector<OutboxItem>& items) {
  {
    std::lock_guard lk(mu_);
    for (const auto& item : items) add_locked(item);
  }
  cv_.notify_one();
}

void Outbox::add_locked(const OutboxItem& item) {
  const auto key = dest_key(item.channel, item.chat_id);
  auto& slot = dests_[key];
  if (!slot) {
    slot = std::make_unique<Dest>();
    slot->channel = item.channel;
    slot->chat = item.chat_id;
    const channels::Channel* ch = channels_.find(item.channel);
    slot->window = RateWindow::per_minute(ch ? ch->config.rate_per_minute : 20);
    if (ch != nullptr && ch->config.total_rate_per_minute > 0)
      channel_windows_.try_emplace(item.channel,
                                   RateWindow::smooth_per_minute(ch->config.total_rate_per_minute));
  }
  Dest& d = *slot;
  if (!item.supersede_key.empty()) supersede_locked(d, item);
  if (d.disabled) {
    record_final(item.id, DeliveryState::disabled, "destination disabled");
    return;
  }
  if (d.queue.emplace(std::make_pair(-item.priority, item.id), item).second) ++queued_;
  if (!d.in_flight) schedule_locked(d, clock_.now_ms());
}

// The store marked the same rows superseded in the transaction that queued `item`; drop them
// here too. The one on the wire cannot be recalled: if it lands it counts as delivered, if it
// must be retried it is dropped instead (on_result).
void Outbox::supersede_locked(Dest& d, const OutboxItem& item) {
  const std::string base = idempotency_base(item.idempotency_key);
  for (auto it = d.queue.begin(); it != d.queue.end();) {
    const OutboxItem& old = it->second;
    if (old.supersede_key != item.supersede_key || old.id >= item.id ||
        idempotency_base(old.idempotency_key) == base) {
      ++it;
      continue;
    }
    if (d.in_flight && old.id == d.in_flight_id) {
      d.in_flight_superseded = true;
      ++it;
      continue;
    }
    it = d.queue.erase(it);
    --queued_;
    ++superseded_;
  }
}

void Outbox::schedule_locked(Dest& d, int64_t now) {
  ++d.gen;
  if (d.queue.empty() || d.in_flight || d.disabled) return;
  const auto& head = d.head(now)->second;
  const int64_t at = std::max({d.blocked_until, head.next_try_ms, d.window.ready_at(now),
                               channel_ready_at_locked(d.channel, now)});
  const auto key = dest_key(d.channel, d.chat);
  if (at <= now)
    ready_.push({head.priority, head.id, key, d.gen});
  else
    waiting_.push({at, key, d.gen});
}

int64_t Outbox::channel_ready_at_locked(const std::string& channel, int64_t now) {
  auto it = channel_windows_.find(channel);
  return it == channel_windows_.end() ? now : it->second.ready_at(now);
}

void Outbox::run() {
  std::unique_lock lk(mu_);
  while (!stopping_) {
    const int64_t now = clock_.now_ms();
    while (!waiting_.empty() && waiting_.top().at <= now) {
      Wake w = waiting_.top();
      waiting_.pop();
      auto it = dests_.find(w.key);
      if (it != dests_.end() && it->second->gen == w.gen) schedule_locked(*it->second, now);
    }
    bool started = false;
    while (!ready_.empty() && in_flight_ < static_cast<size_t>(cfg_.max_in_flight) && !stopping_) {
      Ready r = ready_.top();
      ready_.pop();
      auto it = dests_.find(r.key);
      if (it == dests_.end() || it->second->gen != r.gen) continue;
      // Destinations of one channel that became ready together share its total window: the
      // highest priority takes the room; the others wait for the window again.
      if (channel_ready_at_locked(it->second->channel, now) > now) {
        schedule_locked(*it->second, now);
        continue;
      }
      start_send_locked(*it->second, now, lk);
      started = true;
    }
    if (started) continue;
    int64_t wait = cfg_.poll_ms;
    if (!waiting_.empty()) wait = std::min(wait, std::max<int64_t>(1, waiting_.top().at - now));
    if (!ready_.empty() && in_flight_ >= static_cast<size_t>(cfg_.max_in_flight))
      wait = cfg_.poll_ms;
    cv_.wait_for(lk, std::chrono::milliseconds(wait));
  }
}

void Outbox::start_send_locked(Dest& d, int64_t now, std::unique_lock<std::mutex>& lk) {
  const auto head = d.head(now);
  OutboxItem item = head->second;
  // What this send logs and writes names the request that queued the row.
  log::RequestScope scope(item.request_id);
  const channels::Channel* ch = channels_.find(item.channel);
  if (ch != nullptr)
    if (auto fetch = ch->adapter->token_request(now)) {
      await_token_locked(item.channel, dest_key(d.channel, d.chat), std::move(*fetch), lk);
      return;
    }
  if (item.media_id != 0) {
    start_image_locked(d, std::move(item), lk);
    return;
  }
  auto request = ch ? ch->adapter->build_send(item, now)
                    : adapters::Result<HttpRequest>(make_error_code(errc::unknown_channel));
  const auto key = dest_key(d.channel, d.chat);
  if (!request) {
    d.queue.erase(head);
    --queued_;
    ++failed_;
    schedule_locked(d, now);
    std::string why = request.error().message();
    log::warn({"outbox",
               {{"outbox_id", item.id},
                {"channel", item.channel},
                {"chat", item.chat_id},
                {"result", "failed"}}},
              "outbox: row {} to {} failed: {}", item.id, item.chat_id, why);
    record_final(item.id, DeliveryState::failed, why);
    return;
  }
  d.in_flight = true;
  d.in_flight_id = item.id;
  d.in_flight_superseded = false;
  ++d.gen;
  ++in_flight_;
  d.window.record(now);  // the platform counts attempts, not successes
  if (auto cw = channel_windows_.find(d.channel); cw != channel_windows_.end())
    cw->second.record(now);
  log::debug({"outbox",
              {{"outbox_id", item.id},
               {"channel", item.channel},
               {"chat", item.chat_id},
               {"attempt", item.attempts + 1}}},
             "outbox: row {} sending to {}", item.id, item.chat_id);
  lk.unlock();
  transport_.send(
      std::move(*request), cfg_.send_timeout_ms,
      [this, key, item, started = std::chrono::steady_clock::now()](TransportResult r) mutable {
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        on_result(key, std::move(item), std::move(r), took.count());
      });
  lk.lock();
}

void Outbox::start_image_locked(Dest& d, OutboxItem item, std::unique_lock<std::mutex>& lk) {
  d.in_flight = true;
  d.in_flight_id = item.id;
  d.in_flight_superseded = false;
  ++d.gen;
  ++in_flight_;
  const auto key = dest_key(d.channel, d.chat);
  lk.unlock();
  send_image(key, std::move(item));
  lk.lock();
}

// The photo is read off the lock (a file of up to 10 MB). Only a send that goes counts in the
// rate windows: a photo still downloading is looked at again later, and must not use up a robot's
// 20 messages a minute meanwhile.
void Outbox::send_image(const std::string& key, OutboxItem item) {
  log::RequestScope scope(item.request_id);
  const int64_t started = clock_.now_ms();
  const channels::Channel* ch = channels_.find(item.channel);
  ImageLookup found;
  if (image_source_)
    found = image_source_(item.media_id);
  else
    found.why = "no media files";
  using adapters::Verdict;
  if (ch == nullptr) return on_outcome(key, item, {Verdict::failed, 0, "channel gone"}, 0, 0);
  if (found.state == ImageLookup::State::pending) {
    if (started - item.created_ms < cfg_.image_wait_ms) return wait_for_image(key, item);
    found.why = "the photo was not downloaded in time: the link stands";
  }
  if (found.state != ImageLookup::State::ready)
    return on_outcome(key, item, {Verdict::failed, 0, found.why}, 0, 0);
  if (std::string why = ch->adapter->image_refusal(found.image); !why.empty())
    return on_outcome(key, item, {Verdict::failed, 0, std::move(why)}, 0, 0);
  {
    std::lock_guard lk(mu_);
    if (auto it = dests_.find(key); it != dests_.end()) it->second->window.record(started);
    if (auto cw = channel_windows_.find(item.channel); cw != channel_windows_.end())
      cw->second.record(started);
  }
  auto upload = ch->adapter->image_upload_request(found.image, started);
  if (!upload) return send_image_request(key, std::move(item), std::move(found.image), started);
  // The platform takes the image by an id from an upload: upload, then send the id.
  auto image = std::make_shared<adapters::OutgoingImage>(std::move(found.image));
  transport_.send(std::move(*upload), cfg_.send_timeout_ms,
                  [this, key, item, image, started](TransportResult r) mutable {
                    const channels::Channel* c = channels_.find(item.channel);
                    const adapters::SendOutcome up =
                        c ? c->adapter->interpret_image_upload(r)
                          : adapters::SendOutcome{Verdict::failed, 0, "channel gone"};
                    if (up.verdict != Verdict::delivered)
                      return on_outcome(key, item, up, r.status, clock_.now_ms() - started);
                    image->platform_id = up.detail;
                    send_image_request(key, std::move(item), std::move(*image), started);
                  });
}

void Outbox::send_image_request(const std::string& key, OutboxItem item,
                                adapters::OutgoingImage image, int64_t started_ms) {
  const channels::Channel* ch = channels_.find(item.channel);
  auto request = ch ? ch->adapter->build_image_send(item, image, clock_.now_ms())
                    : adapters::Result<HttpRequest>(make_error_code(errc::unknown_channel));
  if (!request)
    return on_outcome(key, item, {adapters::Verdict::failed, 0, request.error().message()}, 0, 0);
  transport_.send(std::move(*request), cfg_.send_timeout_ms,
                  [this, key, item = std::move(item), started_ms](TransportResult r) mutable {
                    on_result(key, std::move(item), std::move(r), clock_.now_ms() - started_ms);
                  });
}

void Outbox::wait_for_image(const std::string& key, const OutboxItem& item) {
  const int64_t now = clock_.now_ms();
  std::lock_guard lk(mu_);
  --in_flight_;
  auto it = dests_.find(key);
  if (it == dests_.end()) return;
  Dest& d = *it->second;
  d.in_flight = false;
  d.in_flight_superseded = false;
  if (auto found = d.queue.find(std::make_pair(-item.priority, item.id)); found != d.queue.end()) {
    found->second.next_try_ms = now + cfg_.image_poll_ms;
    d.image_waiting.insert(item.id);
  }
  schedule_locked(d, now);
  cv_.notify_all();
}

void Outbox::await_token_locked(const std::string& channel, const std::string& key,
                                HttpRequest fetch, std::unique_lock<std::mutex>& lk) {
  auto [it, first] = token_waiters_.try_emplace(channel);
  it->second.push_back(key);
  if (auto d = dests_.find(key); d != dests_.end()) ++d->second->gen;  // parked: off the schedule
  if (!first) return;  // one fetch per channel at a time; the others wait for it
  ++in_flight_;
  lk.unlock();
  transport_.send(std::move(fetch), cfg_.send_timeout_ms,
                  [this, channel](TransportResult r) { on_token(channel, std::move(r)); });
  lk.lock();
}

void Outbox::on_token(const std::string& channel, TransportResult result) {
  const channels::Channel* ch = channels_.find(channel);
  const int64_t now = clock_.now_ms();
  const bool ok = ch != nullptr && ch->adapter->accept_token(result, now);
  if (!ok)
    log::warn("outbox: no access token for channel {}: {}", channel,
              result.error ? result.error.message() : "HTTP " + std::to_string(result.status));
  std::lock_guard lk(mu_);
  --in_flight_;
  auto waiters = std::move(token_waiters_[channel]);
  token_waiters_.erase(channel);
  for (const auto& key : waiters) {
    auto it = dests_.find(key);
    if (it == dests_.end()) continue;
    // Without a token, try again later rather than spinning on the token endpoint.
    if (!ok) it->second->blocked_until = now + cfg_.backoff_initial_ms * 5;
    schedule_locked(*it->second, now);
  }
  cv_.notify_all();
}

int64_t Outbox::backoff_ms(const OutboxItem& item) const {
  const int shift = std::clamp(item.attempts - 1, 0, 20);
  const int64_t base = std::min(cfg_.backoff_max_ms, cfg_.backoff_initial_ms << shift);
  // Deterministic ±20% spread so that rows failing together do not retry together.
  const int64_t spread = base / 5;
  return base - spread + (spread > 0 ? (item.id * 7919) % (2 * spread + 1) : 0);
}

void Outbox::record_final(int64_t id, DeliveryState state, std::string why) {
  record([id, state, why = std::move(why)](store::WriteTx& tx) { tx.mark_final(id, state, why); });
}

void Outbox::record(std::function<void(store::WriteTx&)> change) {
  {
    std::lock_guard lk(results_->mu);
    results_->changes.push_back(std::move(change));
    if (results_->queued) return;
    results_->queued = true;
  }
  ++result_writes_;
  // A lost result (a crash before this commits) only sends the row again under the same key.
  store_.write(
      [results = results_](store::WriteTx& tx) {
        std::vector<std::function<void(store::WriteTx&)>> changes;
        {
          std::lock_guard lk(results->mu);
          changes.swap(results->changes);
          results->queued = false;
        }
        for (auto& c : changes) c(tx);
      },
      nullptr);
}

// A send to try again: a retry counts an attempt (and gives up after max_attempts), a throttle
// waits without counting; the destination waits with it.
void Outbox::retry_locked(Dest& d, const OutboxItem& item, const adapters::SendOutcome& outcome,
                          int64_t now) {
  const bool counts = outcome.verdict == adapters::Verdict::retry;
  auto found = d.queue.find(std::make_pair(-item.priority, item.id));
  if (found == d.queue.end()) return;
  auto& queued_item = found->second;
  if (counts) ++queued_item.attempts;
  if (counts && queued_item.attempts >= cfg_.max_attempts) {
    d.queue.erase(found);
    --queued_;
    ++failed_;
    log::warn({"outbox",
               {{"outbox_id", item.id},
                {"channel", item.channel},
                {"chat", item.chat_id},
                {"attempt", queued_item.attempts},
                {"result", "failed"}}},
              "outbox: row {} to {} failed after {} attempts: {}", item.id, item.chat_id,
              queued_item.attempts, outcome.detail);
    record_final(item.id, DeliveryState::failed, "gave up: " + outcome.detail);
    return;
  }
  ++retried_;
  const int64_t delay = outcome.retry_after_ms > 0 ? outcome.retry_after_ms
                        : counts                   ? backoff_ms(queued_item)
                                                   : 60'000;  // throttled, no hint: a minute
  queued_item.next_try_ms = now + delay;
  d.blocked_until = now + delay;
  log::warn({"outbox",
             {{"outbox_id", item.id},
              {"channel", item.channel},
              {"chat", item.chat_id},
              {"attempt", queued_item.attempts},
              {"result", counts ? "retry" : "throttled"},
              {"delay_ms", delay}}},
            "outbox: row {} to {} {}: {}; next try in {} ms", item.id, item.chat_id,
            counts ? "failed" : "throttled", outcome.detail, delay);
  record([id = item.id, next = now + delay, why = outcome.detail, counts](store::WriteTx& tx) {
    tx.mark_retry(id, next, why, counts);
  });
}

// The platform refused the destination for good (the bot was removed from the group): every row
// queued for it ends disabled.
void Outbox::disable_locked(Dest& d, const OutboxItem& item, const std::string& why) {
  d.disabled = true;
  std::vector<int64_t> ids;
  for (const auto& [k, v] : d.queue) ids.push_back(v.id);
  queued_ -= d.queue.size();
  d.queue.clear();
  log::error({"outbox",
              {{"outbox_id", item.id},
               {"channel", item.channel},
               {"chat", item.chat_id},
               {"result", "disabled"},
               {"rows", ids.size()}}},
             "outbox: destination {} disabled: {}", item.chat_id, why);
  record([ids, why](store::WriteTx& tx) {
    for (auto id : ids) tx.mark_final(id, DeliveryState::disabled, why);
  });
}

void Outbox::on_result(const std::string& key, OutboxItem item, TransportResult result,
                       int64_t took_ms) {
  log::RequestScope scope(item.request_id);
  const channels::Channel* ch = channels_.find(item.channel);
  const adapters::SendOutcome outcome =
      ch ? ch->adapter->interpret(result)
         : adapters::SendOutcome{adapters::Verdict::failed, 0, "channel gone"};
  on_outcome(key, item, outcome, result.status, took_ms);
}

void Outbox::on_outcome(const std::string& key, const OutboxItem& item,
                        const adapters::SendOutcome& outcome, int status, int64_t took_ms) {
  const int64_t now = clock_.now_ms();
  std::lock_guard lk(mu_);
  auto it = dests_.find(key);
  if (it == dests_.end()) return;
  Dest& d = *it->second;
  d.in_flight = false;
  --in_flight_;
  d.image_waiting.erase(item.id);
  auto finish = [&] {
    if (d.queue.erase(std::make_pair(-item.priority, item.id))) --queued_;
  };
  using adapters::Verdict;
  const bool superseded = d.in_flight_superseded && d.in_flight_id == item.id;
  metrics::global().inc("gridbot_outbox_sends_total",
                        {{"channel", item.channel},
                         {"result", superseded ? "superseded" : verdict_name(outcome.verdict)}});
  d.in_flight_superseded = false;
  if (superseded && (outcome.verdict == Verdict::retry || outcome.verdict == Verdict::throttled)) {
    finish();  // a newer notice is queued behind it: do not send this one again
    ++superseded_;
    record_final(item.id, DeliveryState::superseded, "superseded while in flight");
  } else if (outcome.verdict == Verdict::delivered) {
    finish();
    ++delivered_;
    log::info({"outbox",
               {{"outbox_id", item.id},
                {"channel", item.channel},
                {"chat", item.chat_id},
                {"attempt", item.attempts + 1},
                {"result", "delivered"},
                {"status", status},
                {"duration_ms", took_ms}}},
              "outbox: row {} to {} delivered in {} ms", item.id, item.chat_id, took_ms);
    record([id = item.id, now](store::WriteTx& tx) { tx.mark_delivered(id, now); });
  } else if (outcome.verdict == Verdict::awaiting) {
    // Handed over as a task (a customer-group send the owner confirms): nothing more to send;
    // the deliveries API shows it as awaiting_confirmation with the task in last_error.
    finish();
    ++delivered_;
    log::info({"outbox",
               {{"outbox_id", item.id},
                {"channel", item.channel},
                {"chat", item.chat_id},
                {"result", "awaiting"},
                {"status", status},
                {"duration_ms", took_ms}}},
              "outbox: row {} to {} awaits confirmation", item.id, item.chat_id);
    record_final(item.id, DeliveryState::awaiting, outcome.detail);
  } else if (outcome.verdict == Verdict::retry || outcome.verdict == Verdict::throttled) {
    retry_locked(d, item, outcome, now);
  } else if (outcome.verdict == Verdict::failed) {
    finish();
    ++failed_;
    log::warn({"outbox",
               {{"outbox_id", item.id},
                {"channel", item.channel},
                {"chat", item.chat_id},
                {"attempt", item.attempts + 1},
                {"result", "failed"},
                {"status", status},
                {"duration_ms", took_ms}}},
              "outbox: row {} to {} failed: {}", item.id, item.chat_id, outcome.detail);
    record_final(item.id, DeliveryState::failed, outcome.detail);
  } else {
    disable_locked(d, item, outcome.detail);
  }
  schedule_locked(d, now);
  cv_.notify_all();  // the dispatcher, and stop() when it waits for in-flight sends
}

void Outbox::stop(int64_t drain_ms) {
  {
    std::lock_guard lk(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Let sends already on the wire finish, so that their results are recorded.
  std::unique_lock lk(mu_);
  cv_.wait_for(lk, std::chrono::milliseconds(drain_ms), [&] { return in_flight_ == 0; });
}

Outbox::Stats Outbox::stats() const {
  std::lock_guard lk(mu_);
  return {queued_, in_flight_, delivered_, retried_, failed_, superseded_, result_writes_.load()};
}

std::map<std::string, Outbox::ChannelDepth> Outbox::depth_by_channel() const {
  std::lock_guard lk(mu_);
  std::map<std::string, ChannelDepth> out;
  for (const auto& [key, d] : dests_) {
    ChannelDepth& c = out[d->channel];
    c.rows += d->queue.size();
    for (const auto& [k, item] : d->queue)
      if (item.created_ms > 0 &&
          (c.oldest_created_ms == 0 || item.created_ms < c.oldest_created_ms))
        c.oldest_created_ms = item.created_ms;
  }
  return out;
}

}  // namespace gridbot::delivery
