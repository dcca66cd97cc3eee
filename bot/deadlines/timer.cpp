#include "bot/deadlines/timer.hpp"

#include "base/common/calendar.hpp"
#include "base/common/errors.hpp"
#include "base/common/log.hpp"
#include "base/common/metrics.hpp"
#include "bot/deadlines/fire.hpp"

#include <algorithm>

namespace gridbot::deadlines {

int Timer::run_due() {
  // One id per run: the escalations and digests it queues, and their deliveries, name it.
  log::RequestScope run(log::new_request_id());
  int fired = 0;
  const int64_t now = clock_.now_ms();
  // The digests' figures are read first, on a read connection: the writer only queues them.
  DigestFigures digests;
  try {
    digests = prepare_digests(tickets_, store_, now);
  } catch (const store::ReadError& e) {
    log::warn({"deadlines", {}}, "deadlines: digest figures not read ahead: {}", e.what());
  }
  const auto knowledge = tickets_.knowledge();
  const int64_t day = local_day_start(now, tickets_.config().utc_offset_ms);
  const bool same_tree = !digests_tree_.expired() && !digests_tree_.owner_before(knowledge->tree) &&
                         !knowledge->tree.owner_before(digests_tree_);
  const bool schedule = !same_tree || day != digests_day_;
  auto ec = store_.write_sync([&](store::WriteTx& tx) {
    if (schedule) schedule_digests(tickets_, tx, now);
    fired = fire_due(tickets_, tx, now, digests);
  });
  if (!ec && schedule) digests_tree_ = knowledge->tree, digests_day_ = day;
  if (ec) {
    log::error({"deadlines", {{"result", error_name(ec)}}}, "deadlines: store write failed: {}",
               ec.message());
    return -1;
  }
  if (fired > 0) {
    log::info({"deadlines", {{"fired", fired}}}, "deadlines: {} fired", fired);
    metrics::global().inc("gridbot_deadlines_fired_total", {}, fired);
  }
  return fired;
}

void Timer::start() {
  run_due();  // deadlines that fell due while we were down fire once, now
  worker_.start("deadlines", [this] { return step(); });
}

std::chrono::milliseconds Timer::step() {
  const int64_t now = clock_.now_ms();
  int64_t wait = max_sleep_ms_;
  try {
    if (auto next = store_.next_deadline_ms())
      wait = std::clamp<int64_t>(*next - now, 0, max_sleep_ms_);
  } catch (const store::ReadError& e) {
    log::error("deadlines: {}", e.what());
  }
  if (wait > 0) return std::chrono::milliseconds(wait);
  // A run that fires nothing (a poison row, a store error) must not spin.
  return std::chrono::milliseconds(run_due() <= 0 ? 200 : 0);
}

}  // namespace gridbot::deadlines
