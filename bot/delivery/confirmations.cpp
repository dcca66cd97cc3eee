// Confirmation polling: one question per awaiting row, sequentially (a handful of rows a day per
// estate; the platform's query API is not rate-critical), the token fetched first when needed.
#include "bot/delivery/confirmations.hpp"

#include "base/common/log.hpp"

#include <algorithm>
#include <chrono>
#include <future>

namespace gridbot::delivery {

using adapters::Confirmation;
using adapters::ConfirmationOutcome;

void ConfirmationPoller::start() {
  const auto period = std::chrono::milliseconds(cfg_.confirm_poll_ms);
  worker_.start(
      "confirm",
      [this, period] {
        Counts c;
        try {
          c = poll_once();
        } catch (const store::ReadError& e) {
          log::error("confirmations: {}; next round in {} ms", e.what(), period.count());
        }
        if (c.asked > 0)
          log::info("confirmations: asked {}, confirmed {}, failed {}, expired {}, pending {}",
                    c.asked, c.confirmed, c.failed, c.expired, c.pending + c.unknown);
        return period;
      },
      period);
}

void ConfirmationPoller::stop() { worker_.stop(); }

TransportResult ConfirmationPoller::ask(HttpRequest request) {
  auto answer = std::make_shared<std::promise<TransportResult>>();
  auto future = answer->get_future();
  transport_.send(std::move(request), cfg_.send_timeout_ms,
                  [answer](TransportResult r) { answer->set_value(std::move(r)); });
  // The transport always calls back, at the latest at its own deadline; the margin covers the
  // hand-off between threads.
  if (future.wait_for(std::chrono::milliseconds(cfg_.send_timeout_ms + 5'000)) !=
      std::future_status::ready)
    return TransportResult{std::make_error_code(std::errc::timed_out), 0, {}, {}};
  return future.get();
}

std::vector<OutboxItem> ConfirmationPoller::awaiting_rows() {
  // Every awaiting row, oldest last (deliveries() pages newest first by id).
  std::vector<OutboxItem> rows;
  store::DeliveryQuery q;
  q.state = DeliveryState::awaiting;
  q.limit = 500;
  for (;;) {
    auto page = store_.deliveries(q);
    if (page.empty()) break;
    q.before_id = page.back().id;
    rows.insert(rows.end(), page.begin(), page.end());
    if (page.size() < static_cast<size_t>(q.limit)) break;
  }
  std::unordered_map<int64_t, int64_t> live;  // forget rows that are no longer awaiting
  for (const auto& row : rows)
    if (auto it = next_ask_.find(row.id); it != next_ask_.end()) live.insert(*it);
  next_ask_.swap(live);
  return rows;
}

void ConfirmationPoller::ask_about(const channels::Channel& ch, const OutboxItem& row, int64_t age,
                                   Counts& counts, std::vector<Change>& changes) {
  const int64_t max_age_ms = static_cast<int64_t>(cfg_.confirm_max_age_h * 3'600'000);
  if (auto fetch = ch.adapter->token_request(clock_.now_ms()))
    if (!ch.adapter->accept_token(ask(std::move(*fetch)), clock_.now_ms())) {
      ++counts.unknown;
      return;
    }
  auto request = ch.adapter->confirmation_request(row, clock_.now_ms());
  if (!request) {
    ++counts.unknown;
    return;
  }
  ++counts.asked;
  const ConfirmationOutcome o = ch.adapter->interpret_confirmation(row, ask(std::move(*request)));
  switch (o.state) {
    case Confirmation::confirmed:
      ++counts.confirmed;
      changes.push_back({row.id, true, o.at_ms > 0 ? o.at_ms : clock_.now_ms(), o.detail});
      break;
    case Confirmation::failed:
      ++counts.failed;
      changes.push_back({row.id, false, 0, o.detail});
      break;
    case Confirmation::pending:
    case Confirmation::unknown:
      if (o.state == Confirmation::unknown)
        log::warn("confirmations: row {} ({}): {}", row.id, row.last_error, o.detail);
      if (age > max_age_ms) {
        ++counts.expired;
        changes.push_back({row.id, false, 0,
                           row.last_error + ": not confirmed within " +
                               std::to_string(static_cast<int64_t>(cfg_.confirm_max_age_h)) +
                               " h"});
      } else {
        ++(o.state == Confirmation::pending ? counts.pending : counts.unknown);
      }
      break;
  }
}

ConfirmationPoller::Counts ConfirmationPoller::poll_once() {
  Counts counts;
  std::vector<Change> changes;
  const int64_t max_age_ms = static_cast<int64_t>(cfg_.confirm_max_age_h * 3'600'000);
  for (const auto& row : awaiting_rows()) {
    if (worker_.stopping()) break;
    const channels::Channel* ch = channels_.find(row.channel);
    if (ch == nullptr) continue;
    const int64_t now = clock_.now_ms();
    const int64_t age = row.created_ms > 0 ? now - row.created_ms : 0;
    if (auto due = next_ask_.find(row.id);
        due != next_ask_.end() && due->second > now && age <= max_age_ms) {
      ++counts.later;
      continue;
    }
    next_ask_[row.id] = now + std::max(cfg_.confirm_poll_ms, age / 10);
    ask_about(*ch, row, age, counts, changes);
  }
  for (const auto& c : changes) next_ask_.erase(c.id);
  if (!changes.empty()) {
    const auto ec = store_.write_sync([&changes](store::WriteTx& tx) {
      for (const auto& c : changes)
        if (c.delivered)
          tx.mark_delivered(c.id, c.at_ms);
        else
          tx.mark_final(c.id, DeliveryState::failed, c.why);
    });
    if (ec) log::error("confirmations: cannot record {} answers: {}", changes.size(), ec.message());
  }
  return counts;
}

}  // namespace gridbot::delivery
