// The scope index and the per-node per-day figures must always say what a walk over the tickets
// would: checked against such a walk after a random history of reports, acceptances, hand-overs,
// resolutions, reopenings, misses and verdicts, and against a rebuild from the rows.
#include "base/model/figures.hpp"
#include "bot/store/sqlite/read_pool.hpp"
#include "bot/store/sqlite/scope_index.hpp"
#include "bot/store/sqlite/statements.hpp"
#include "bot/store/store.hpp"

#include "../temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <random>
#include <thread>
#include <tuple>

using namespace gridbot;
using namespace gridbot::store;

namespace {

constexpr int64_t kHour = 3600 * 1000LL;
constexpr int64_t kDay = 24 * kHour;
const FigurePolicy kPolicy{8 * kHour, 2 * kHour};

// The figures as a walk over the facts of `node`'s tickets reported in [from, to).
Figures walked(Store& store, const std::string& node, int64_t from, int64_t to) {
  Figures f;
  for (const auto& x : store.facts(node, from, to)) {
    const auto& t = x.ticket;
    ++f.received;
    ++f.by_category[t.category];
    ++f.by_tier[to_string(t.tier)];
    if (t.accepted_ms > 0) {
      f.accept.add(t.accepted_ms - t.created_ms);
      if (t.accepted_ms - t.created_ms <= kPolicy.accept_window_ms) ++f.accepted_in_time;
    }
    if (t.resolved_ms > 0) {
      ++f.resolved;
      f.resolve.add(t.resolved_ms - t.created_ms);
    }
    f.misses += x.misses;
    f.satisfied += x.satisfied;
    f.unsatisfied += x.unsatisfied;
    f.defaulted += x.defaulted;
    f.reopened += x.unsatisfied > 0 ? 1 : 0;
  }
  return f;
}

Ticket report(int building, const std::string& category, int64_t at) {
  Ticket t;
  t.text = "楼道灯坏了";
  t.category = category;
  t.tier = building % 3 == 0 ? Tier::big : Tier::small;
  t.status = TicketStatus::new_;
  const std::string b = "b" + std::to_string(building);
  const std::string g = "g" + std::to_string(building % 2);
  t.origin_node = b;
  t.origin_channel = "bridge";
  t.origin_chat = "room-" + b;
  t.origin_msg_id = "m" + std::to_string(at);
  t.origin_path = "/s1/c1/" + g + "/" + b + "/";
  t.owner_level = "grid";
  t.owner_node = g;
  t.merge_key = b + "|" + category;
  t.created_ms = t.updated_ms = at;
  t.reporters.push_back({"bridge", "u" + std::to_string(at), "居民", t.origin_chat, at});
  return t;
}

std::unique_ptr<Store> open(const test::TempDir& dir, int fail_commit = -1) {
  SqliteOptions opt;
  opt.figures = kPolicy;
  opt.fail_commit_for_test = fail_commit;
  std::string err;
  auto s = open_sqlite_store(dir.file("s.db"), opt, &err);
  INFO(err);
  REQUIRE(s);
  return s;
}

}  // namespace

TEST_CASE("durations fall into minute buckets, then 2% ones, and medians read the bucket",
          "[figures]") {
  CHECK(DurationHistogram::bucket_of(0) == 0);
  CHECK(DurationHistogram::bucket_of(59'999) == 0);
  CHECK(DurationHistogram::bucket_of(179 * 60'000) == 179);
  CHECK(DurationHistogram::lower_ms(DurationHistogram::bucket_of(3 * kHour)) == 3 * kHour);
  for (int64_t ms : {4 * kHour + 17, 26 * kHour, 9 * kDay + 5, 300 * kDay}) {
    const int b = DurationHistogram::bucket_of(ms);
    CHECK(DurationHistogram::lower_ms(b) <= ms);
    CHECK(DurationHistogram::lower_ms(b + 1) > ms);
    CHECK(DurationHistogram::lower_ms(b) >= ms * 100 / 103);  // at most ~2% below
  }
  DurationHistogram h;
  h.add(1 * kHour);
  h.add(3 * kHour);
  CHECK(h.median_ms() == 3 * kHour);  // the upper middle, as before
  DurationHistogram back;
  REQUIRE(back.parse(h.encode()));
  CHECK(back == h);
  CHECK_FALSE(back.parse("12:x"));
  CHECK(back == h);  // a malformed text changes nothing
  CHECK(DurationHistogram().median_ms() == -1);
}

TEST_CASE("figures and scope ranges say what a walk over the tickets says, after any history",
          "[store][figures]") {
  test::TempDir dir;
  auto store = open(dir);
  std::mt19937 rng(7);
  const int64_t t0 = 1'780'000'000'000;  // 2026-05-28
  const std::vector<std::string> cats = {"facility", "water", "noise"};
  std::vector<int64_t> nos;
  for (int step = 0; step < 600; ++step) {
    const int64_t now = t0 + step * (kHour / 2);
    REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) {
      const int what = static_cast<int>(rng() % 10);
      if (what < 4 || nos.empty()) {
        const int64_t no =
            tx.create_ticket(report(static_cast<int>(rng() % 6), cats[rng() % 3], now));
        nos.push_back(no);
        Deadline d;
        d.ticket_no = no;
        d.clock = DeadlineKind::accept;
        d.node = "g0";
        d.due_ms = now + 2 * kHour;
        d.created_ms = now;
        tx.add_deadline(d);
        return;
      }
      auto t = *tx.load_ticket(nos[rng() % nos.size()]);
      switch (what) {
        case 4:
          if (t.accepted_ms == 0) {
            t.accepted_ms = now, t.status = TicketStatus::accepted;
            // The accept clock stops and a resolve clock starts, due at any time: a ticket's
            // earliest due moves, out of the order of the numbers.
            tx.stop_deadlines(t.no, DeadlineKind::accept);
            Deadline d;
            d.ticket_no = t.no;
            d.clock = DeadlineKind::resolve;
            d.node = "g0";
            d.due_ms = now + static_cast<int64_t>(rng() % 96) * kHour;
            d.created_ms = now;
            tx.add_deadline(d);
          }
          break;
        case 5:  // handed to a department off the path
          t.department = "dept-water";
          t.status = TicketStatus::transferred;
          break;
        case 6:
          t.resolved_ms = now;
          t.status = TicketStatus::resolved;
          tx.stop_deadlines(t.no, std::nullopt);
          tx.ask_satisfaction({t.no, "bridge", t.reporters[0].user_id, now, "", 0});
          break;
        case 7: {
          const auto answer = rng() % 2 ? "satisfied" : "unsatisfied";
          tx.answer_satisfaction(t.no, "", "", answer, "", now);
          if (std::string(answer) == "unsatisfied" && t.resolved_ms > 0) {
            t.resolved_ms = 0;
            t.status = TicketStatus::reopened;
          }
          break;
        }
        default:
          for (const auto& d : tx.due_deadlines(now + 3 * kHour, 5))
            tx.set_deadline_state(d.id, DeadlineState::missed, now);
          break;
      }
      t.updated_ms = now;
      tx.update_ticket(t);
    }));
  }
  const int64_t end = t0 + 600 * (kHour / 2) + 1;
  for (const std::string node : {"", "s1", "c1", "g0", "g1", "b3", "dept-water"}) {
    INFO(node);
    CHECK(store->figures(node, t0, end) == walked(*store, node, t0, end));
    // One local day alone.
    const int64_t day_start = t0 + 2 * kDay - (t0 + kPolicy.utc_offset_ms) % kDay;
    CHECK(store->figures(node, day_start, day_start + kDay) ==
          walked(*store, node, day_start, day_start + kDay));
  }
  // The lists: newest first, only the node's, the open ones exactly the open ones it holds.
  for (const std::string node : {"g0", "b3", "dept-water"}) {
    TicketQuery q;
    q.node = node;
    q.limit = 1000;
    const auto all = store->tickets(q);
    REQUIRE_FALSE(all.empty());
    for (size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].no > all[i].no);
    for (const auto& t : all)
      CHECK((t.origin_path.find("/" + node + "/") != std::string::npos || t.department == node));
    size_t open_held = 0;
    for (const auto& t : all)
      open_held +=
          is_open(t.status) && (t.origin_path.find("/" + node + "/") != std::string::npos ||
                                t.department == node || t.owner_node == node);
    q.open_only = true;
    CHECK(store->tickets(q).size() == open_held);
    const auto held = store->open_tickets(node);
    CHECK(held.size() == open_held);
    // Only the first few in full, the same as the head of the whole list, and the count of all.
    for (const std::string& scope : {node, std::string()}) {
      const auto every = store->open_tickets(scope);
      int64_t total = -1;
      const auto head = store->open_tickets(scope, 3, &total);
      CHECK(total == static_cast<int64_t>(every.size()));
      REQUIRE(head.size() == std::min<size_t>(3, every.size()));
      // The first of those a filter keeps, walked in the same order.
      auto water = [](const Ticket& t) { return t.category == "water"; };
      std::vector<int64_t> want;
      for (const auto& f : every)
        if (water(f.ticket) && want.size() < 4) want.push_back(f.ticket.no);
      std::vector<int64_t> got;
      for (const auto& f : store->open_tickets_where(scope, 4, {"", "", "", water}))
        got.push_back(f.ticket.no);
      CHECK(got == want);
      for (size_t i = 0; i < head.size(); ++i) {
        CHECK(head[i].ticket.no == every[i].ticket.no);
        CHECK(head[i].next_due_ms == every[i].next_due_ms);
        CHECK(head[i].misses == every[i].misses);
      }
    }
  }
  // A store whose tickets have no scope rows (made before them) is indexed when opened, from its
  // rows, to the very same figures and lists.
  const auto before = store->figures("s1", t0, end);
  TicketQuery dept;
  dept.node = "dept-water";
  dept.limit = 1000;
  const auto dept_tickets = store->tickets(dept).size();
  store->close();
  {
    SQLite::Database db(dir.file("s.db"), SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM ticket_scope; DELETE FROM node_days; UPDATE tickets SET handed = ''");
  }
  auto again = open(dir);
  CHECK(again->figures("s1", t0, end) == before);
  // A store made before scope rows carried their due, and nodes their open count, gets both from
  // its rows when opened.
  const auto by_due = again->open_tickets("s1");
  again->close();
  {
    SQLite::Database db(dir.file("s.db"), SQLite::OPEN_READWRITE);
    const int version = db.execAndGet("PRAGMA user_version").getInt();
    // The scope rows as they were then: no due, no filter columns.
    db.exec(
        "CREATE TABLE old_scope(node TEXT NOT NULL, no INTEGER NOT NULL, open INTEGER NOT NULL, "
        "PRIMARY KEY(node, no)) WITHOUT ROWID;"
        "INSERT INTO old_scope SELECT node, no, open FROM ticket_scope;"
        "DROP TABLE ticket_scope; DROP TABLE codes; ALTER TABLE old_scope RENAME TO ticket_scope;"
        "CREATE INDEX ticket_scope_open ON ticket_scope(node, no) WHERE open = 1;"
        "DROP TABLE node_open; DROP INDEX tickets_category; PRAGMA user_version = " +
        std::to_string(version - 5));  // before the steps of due, node_open, the filter
                                       // columns, the outbox index and the category index
  }
  again = open(dir);
  int64_t open_count = -1;
  const auto head = again->open_tickets("s1", 10, &open_count);
  CHECK(open_count == static_cast<int64_t>(by_due.size()));
  REQUIRE(head.size() == std::min<size_t>(10, by_due.size()));
  for (size_t i = 0; i < head.size(); ++i) CHECK(head[i].ticket.no == by_due[i].ticket.no);
  // The rebuilt rows order the open tickets by due as the writer's did.
  for (const std::string node : {"s1", "g0", "dept-water"}) {
    const auto every = again->open_tickets(node);
    const auto head = again->open_tickets(node, 10);
    REQUIRE(head.size() == std::min<size_t>(10, every.size()));
    for (size_t i = 0; i < head.size(); ++i) CHECK(head[i].ticket.no == every[i].ticket.no);
  }
  CHECK(again->figures("", t0, end) == walked(*again, "", t0, end));
  CHECK(again->tickets(dept).size() == dept_tickets);
}

TEST_CASE("a read past its time limit is stopped, and shutdown stops a read at once",
          "[store][reads]") {
  test::TempDir dir;
  open(dir)->close();  // creates the file
  constexpr const char* kEndless =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
      "SELECT count(*) FROM (SELECT x FROM c LIMIT 4000000000)";
  auto endless = [](SQLite::Database& db) { return db.execAndGet(kEndless).getInt64(); };
  sqlite::ReadPool limited(dir.file("s.db"), 2, 200);
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(limited.read(endless), Catch::Contains("longer than 200 ms"));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  // The pool still answers after a stopped read.
  CHECK(limited.read([](SQLite::Database& db) { return db.execAndGet("SELECT 7").getInt(); }) == 7);

  sqlite::ReadPool unlimited(dir.file("s.db"), 2, 0);
  auto running = std::async(std::launch::async, [&] { return unlimited.read(endless); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  unlimited.interrupt();
  CHECK_THROWS_AS(running.get(), ReadError);
  CHECK(unlimited.read([](SQLite::Database& db) { return db.execAndGet("SELECT 8").getInt(); }) ==
        8);
}

TEST_CASE(
    "finished clocks and answered questions of old tickets are pruned in batches, figures stay",
    "[store][figures]") {
  test::TempDir dir;
  auto store = open(dir);
  const int64_t t0 = 1'780'000'000'000;
  for (int i = 0; i < 30; ++i) {
    REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) {
      const int64_t at = t0 + i * kDay;
      Ticket t = report(i % 4, "facility", at);
      t.no = tx.create_ticket(t);
      for (auto clock : {DeadlineKind::accept, DeadlineKind::resolve}) {
        Deadline d;
        d.ticket_no = t.no;
        d.clock = clock;
        d.node = "g0";
        d.due_ms = at + 2 * kHour;
        d.created_ms = at;
        tx.add_deadline(d);
      }
      tx.stop_deadlines(t.no, DeadlineKind::resolve);  // done
      if (i % 2 == 0)
        for (const auto& d : tx.due_deadlines(at + 3 * kHour, 100))
          if (d.ticket_no == t.no) tx.set_deadline_state(d.id, DeadlineState::missed, at);
      tx.ask_satisfaction({t.no, "bridge", t.reporters[0].user_id, at, "", 0});
      tx.answer_satisfaction(t.no, "", "", "satisfied", "", at + 1);
    }));
  }
  const auto figures = store->figures("s1", t0, t0 + 40 * kDay);
  const int64_t cut = t0 + 20 * kDay;  // tickets 0..19 are old
  int64_t total = 0, gone = 0;
  do {
    REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) { gone = tx.prune_finished(cut, 7); }));
    CHECK(gone <= 14);  // at most `limit` of each kind per call
    total += gone;
  } while (gone > 0);
  // 20 old tickets: 20 done resolve clocks, 10 missed accept clocks, 20 answered questions.
  CHECK(total == 50);
  for (int64_t no = 1001; no < 1021; ++no) {
    for (const auto& d : store->deadlines(no))
      CHECK((d.state == DeadlineState::pending || d.state == DeadlineState::warned));
  }
  CHECK(store->deadlines(1025).size() == 2);  // a newer ticket keeps its rows
  CHECK(store->figures("s1", t0, t0 + 40 * kDay) == figures);
}

namespace {

bool on_path(const Ticket& t, const std::string& node) {
  const std::string mark = "/" + node + "/";
  return t.origin_path.find(mark) != std::string::npos;
}

// The earliest live clock of a ticket, as the board orders by (none: after every other).
int64_t earliest_due(Store& store, int64_t no) {
  int64_t due = INT64_MAX;
  for (const auto& d : store.deadlines(no))
    if ((d.state == DeadlineState::pending || d.state == DeadlineState::warned) &&
        d.clock != DeadlineKind::satisfaction && d.clock != DeadlineKind::digest)
      due = std::min(due, d.due_ms);
  return due;
}

// Every filtered board and filtered page of `nodes` is what a plain filter over the tickets table
// (the whole deployment's list) says, in the same order.
void check_filtered(Store& store, const std::vector<std::string>& nodes, int64_t from_ms,
                    int64_t to_ms) {
  TicketQuery everything;
  everything.limit = 1'000'000;
  const auto all = store.tickets(everything);
  REQUIRE(all.size() > 100);
  std::map<int64_t, int64_t> due;
  for (const auto& t : all) due[t.no] = earliest_due(store, t.no);
  const std::vector<std::string> cats = {"", "facility", "water", "noise"};
  const std::vector<std::string> tiers = {"", "big", "small"};
  const std::vector<std::string> levels = {"", "grid", "community", "street"};
  size_t boards = 0, pages = 0;
  for (const auto& node : nodes) {
    INFO(node);
    // Node "" is the whole deployment: its pages are read from the tickets' own indexes.
    const auto in_scope = [&](const Ticket& t) {
      return node.empty() || on_path(t, node) ||
             t.handed.find("/" + node + "/") != std::string::npos;
    };
    const auto held = [&](const Ticket& t) {
      return is_open(t.status) &&
             (node.empty() || on_path(t, node) || t.owner_node == node || t.department == node);
    };
    for (const auto& cat : node.empty() ? std::vector<std::string>{} : cats)
      for (const auto& tier : tiers)
        for (const auto& level : levels)
          for (const bool text : {false, true}) {
            INFO(cat << "/" << tier << "/" << level << "/" << text);
            BoardFilter f{cat, tier, level, {}};
            if (text) f.keep = [](const Ticket& t) { return t.no % 3 != 0; };
            std::vector<std::pair<int64_t, int64_t>> want;  // (due, no)
            for (const auto& t : all)
              if (held(t) && (cat.empty() || t.category == cat) &&
                  (tier.empty() || to_string(t.tier) == tier) &&
                  (level.empty() || t.owner_level == level) && (!text || t.no % 3 != 0))
                want.emplace_back(due[t.no], t.no);
            std::sort(want.begin(), want.end());
            for (const size_t first : {size_t{3}, size_t{100000}}) {
              std::vector<int64_t> expect, got;
              for (size_t i = 0; i < std::min(first, want.size()); ++i)
                expect.push_back(want[i].second);
              for (const auto& x : store.open_tickets_where(node, first, f))
                got.push_back(x.ticket.no);
              CHECK(got == expect);
              boards += expect.empty() ? 0 : 1;
            }
          }
    const std::vector<std::optional<TicketStatus>> statuses = {
        std::nullopt,           TicketStatus::accepted, TicketStatus::escalated,
        TicketStatus::resolved, TicketStatus::closed,   TicketStatus::reopened};
    for (const auto& cat : cats)
      for (const auto& status : statuses)
        for (const bool open : {false, true})
          for (const bool period : {false, true})
            for (const auto& [tier, level] :
                 {std::pair<std::string, std::string>{"", ""}, {"big", ""}, {"", "community"}}) {
              INFO(cat << "/" << (status ? to_string(*status) : "-") << "/" << open << "/" << period
                       << "/" << tier << "/" << level);
              TicketQuery q;
              q.node = node;
              q.category = cat;
              q.status = status;
              q.open_only = open;
              q.tier = tier;
              q.level = level;
              if (period) q.from_ms = from_ms, q.to_ms = to_ms;
              std::vector<int64_t> expect, got;
              for (auto it = all.begin(); it != all.end(); ++it) {  // newest first already
                const Ticket& t = *it;
                if (in_scope(t) && (cat.empty() || t.category == cat) &&
                    (!status || t.status == *status) && (!open || held(t)) &&
                    (tier.empty() || to_string(t.tier) == tier) &&
                    (level.empty() || t.owner_level == level) &&
                    (!period || (t.created_ms >= from_ms && t.created_ms < to_ms)))
                  expect.push_back(t.no);
              }
              // Paged 7 at a time, each page continuing below the last.
              q.limit = 7;
              for (;;) {
                const auto page = store.tickets(q);
                for (const auto& t : page) got.push_back(t.no);
                if (page.size() < 7) break;
                q.before_no = page.back().no;
              }
              CHECK(got == expect);
              pages += expect.empty() ? 0 : 1;
            }
  }
  // The filters were not all empty answers.
  CHECK(boards > 100);
  CHECK(pages > 100);
}

}  // namespace

TEST_CASE(
    "a filtered board and a filtered page are the rows a filter over the tickets gives, read as "
    "one index range",
    "[store][scope]") {
  test::TempDir dir;
  auto store = open(dir);
  std::mt19937 rng(11);
  const int64_t t0 = 1'780'000'000'000;
  const std::vector<std::string> cats = {"facility", "water", "noise"};
  std::vector<int64_t> nos;
  auto clock = [](WriteTx& tx, int64_t no, DeadlineKind kind, int64_t due, int64_t now) {
    Deadline d;
    d.ticket_no = no;
    d.clock = kind;
    d.node = "g0";
    d.due_ms = due;
    d.created_ms = now;
    tx.add_deadline(d);
  };
  for (int step = 0; step < 900; ++step) {
    const int64_t now = t0 + step * (kHour / 4);
    REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) {
      const int what = static_cast<int>(rng() % 12);
      if (what < 4 || nos.empty()) {
        const int64_t no =
            tx.create_ticket(report(static_cast<int>(rng() % 6), cats[rng() % 3], now));
        nos.push_back(no);
        clock(tx, no, DeadlineKind::accept, now + static_cast<int64_t>(rng() % 48) * kHour, now);
        return;
      }
      auto t = *tx.load_ticket(nos[rng() % nos.size()]);
      switch (what) {
        case 4:
          if (t.accepted_ms == 0 && is_open(t.status)) {
            t.accepted_ms = now, t.status = TicketStatus::accepted;
            tx.stop_deadlines(t.no, DeadlineKind::accept);
            clock(tx, t.no, DeadlineKind::resolve, now + static_cast<int64_t>(rng() % 96) * kHour,
                  now);
          }
          break;
        case 5:  // up the chain: grid, community, street
          if (!is_open(t.status)) break;
          if (t.owner_level == "grid")
            t.owner_level = "community", t.owner_node = "c1";
          else
            t.owner_level = "street", t.owner_node = "s1";
          t.status = TicketStatus::escalated;
          break;
        case 6:  // handed to a department off the path
          if (!is_open(t.status)) break;
          t.department = "dept-water";
          t.status = TicketStatus::transferred;
          break;
        case 7:  // re-categorised
          t.category = cats[(std::find(cats.begin(), cats.end(), t.category) - cats.begin() + 1) %
                            cats.size()];
          break;
        case 8:
          t.tier = t.tier == Tier::big ? Tier::small : Tier::big;
          break;
        case 9:
          if (!is_open(t.status)) break;
          t.resolved_ms = now, t.status = TicketStatus::resolved;
          tx.stop_deadlines(t.no, std::nullopt);
          break;
        case 10:
          if (t.status == TicketStatus::resolved) t.status = TicketStatus::closed;
          break;
        default:  // reopened
          if (is_open(t.status)) break;
          t.resolved_ms = 0, t.status = TicketStatus::reopened;
          clock(tx, t.no, DeadlineKind::resolve, now + static_cast<int64_t>(rng() % 96) * kHour,
                now);
          break;
      }
      t.updated_ms = now;
      tx.update_ticket(t);
    }));
  }
  // The changes above reached the ticket itself too (a re-categorisation is kept).
  const std::vector<std::string> nodes = {"s1", "c1", "g0", "g1", "b3", "dept-water", ""};
  const int64_t from = t0 + 200 * (kHour / 4), to = t0 + 600 * (kHour / 4);
  check_filtered(*store, nodes, from, to);
  // Every shape of the two reads is a search of one index, in its order: no sort, no scan.
  {
    SQLite::Database db(dir.file("s.db"), SQLite::OPEN_READONLY);
    auto plan = [&db](const std::string& sql) {
      SQLite::Statement s(db, "EXPLAIN QUERY PLAN " + sql);
      std::string out;
      while (s.executeStep()) out += s.getColumn(3).getString() + "\n";
      return out;
    };
    auto board = [](std::string c, std::string t, std::string l, bool keep) {
      BoardFilter f{std::move(c), std::move(t), std::move(l), {}};
      if (keep) f.keep = [](const Ticket&) { return true; };
      return sqlite::open_tickets_where_sql(f);
    };
    for (const auto& [sql, index] : std::vector<std::pair<std::string, std::string>>{
             {board("water", "", "", false), "ticket_scope_due_category"},
             {board("water", "big", "street", false), "ticket_scope_due_category"},
             {board("water", "", "", true), "ticket_scope_due_category"},
             {board("", "big", "", false), "ticket_scope_due_tier"},
             {board("", "big", "grid", false), "ticket_scope_due_tier"},
             {board("", "", "grid", false), "ticket_scope_due_level"},
             {board("", "", "", true), "ticket_scope_due"}}) {
      INFO(sql);
      const auto p = plan(sql);
      INFO(p);
      CHECK(p.find("SEARCH s USING ") != std::string::npos);
      CHECK(p.find(index + " (node=?") != std::string::npos);
      CHECK(p.find("TEMP B-TREE") == std::string::npos);
      CHECK(p.find("SCAN") == std::string::npos);
      // Without a text search the ticket rows are not read at all.
      if (sql.rfind("SELECT s.no ", 0) == 0) CHECK(p.find("COVERING INDEX") != std::string::npos);
    }
    // A page of node "s1", or of the whole deployment when node is empty.
    auto list = [](std::string node, std::string cat, std::optional<TicketStatus> status,
                   bool open) {
      TicketQuery q;
      q.node = std::move(node);
      q.category = std::move(cat);
      q.status = status;
      q.open_only = open;
      return sqlite::tickets_sql(q);
    };
    const auto none = std::nullopt;
    const auto closed = TicketStatus::closed;
    // The whole deployment's one category or one status is a range of the tickets' own index.
    for (const auto& [sql, table, index] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {list("s1", "water", none, false), "s",
              "ticket_scope_category (node=? AND category=?"},
             {list("s1", "water", closed, false), "s", "ticket_scope_category (node=? AND"},
             {list("s1", "water", none, true), "s", "ticket_scope_open_category (node=? AND"},
             {list("s1", "", closed, false), "s", "ticket_scope_status (node=? AND status=?"},
             {list("s1", "", none, true), "s", "ticket_scope_open (node=? AND no>? AND no<?)"},
             {list("s1", "", none, false), "s", "PRIMARY KEY (node=? AND no>? AND no<?)"},
             {list("", "water", none, false), "t", "tickets_category (category=? AND no>?"},
             {list("", "water", closed, true), "t", "tickets_category (category=? AND"},
             {list("", "", closed, false), "t", "tickets_status (status=? AND no>?"}}) {
      INFO(sql);
      const auto p = plan(sql);
      INFO(p);
      CHECK(p.find("SEARCH " + table + " USING ") != std::string::npos);
      CHECK(p.find(index) != std::string::npos);
      CHECK(p.find("TEMP B-TREE") == std::string::npos);
      CHECK(p.find("SCAN") == std::string::npos);
    }
  }
  // A store whose scope rows predate the filter columns gets them from its tickets when opened.
  store->close();
  {
    SQLite::Database db(dir.file("s.db"), SQLite::OPEN_READWRITE);
    const int version = db.execAndGet("PRAGMA user_version").getInt();
    db.exec(
        "CREATE TABLE old_scope(node TEXT NOT NULL, no INTEGER NOT NULL, open INTEGER NOT NULL, "
        "due INTEGER NOT NULL DEFAULT 9223372036854775807, PRIMARY KEY(node, no)) WITHOUT ROWID;"
        "INSERT INTO old_scope SELECT node, no, open, due FROM ticket_scope;"
        "DROP TABLE ticket_scope; DROP TABLE codes; ALTER TABLE old_scope RENAME TO ticket_scope;"
        "CREATE INDEX ticket_scope_open ON ticket_scope(node, no) WHERE open = 1;"
        "CREATE INDEX ticket_scope_due ON ticket_scope(node, due, no) WHERE open = 1;"
        "DROP INDEX tickets_category; PRAGMA user_version = " +
        std::to_string(version - 3));  // before the filter columns' step and the two after it
  }
  store = open(dir);
  check_filtered(*store, nodes, from, to);
}

TEST_CASE(
    "the scope rows' filter columns are codes: a new text takes the next one in its own "
    "transaction, a rolled-back one leaves none behind, a reopened store reads them the same",
    "[store][scope]") {
  test::TempDir dir;
  // The fifth commit fails whole.
  auto store = open(dir, 4);
  const int64_t t0 = 1'780'000'000'000;
  auto put = [&](const std::string& category, int64_t at, bool fail) {
    return store->write_sync([&](WriteTx& tx) {
      tx.create_ticket(report(1, category, at));
      if (fail) throw std::runtime_error("rolled back");
    });
  };
  // Each text first given a code in a piece of work or a commit that is undone, then another
  // text given the next code, then the first text again: it must not reuse the undone code.
  CHECK_FALSE(put("water", t0, false));      // 1001
  CHECK(put("smoke", t0 + 1, true));         // its piece of work is rolled back
  CHECK_FALSE(put("noise", t0 + 2, false));  // 1002
  CHECK_FALSE(put("smoke", t0 + 3, false));  // 1003
  CHECK(put("gas", t0 + 4, false));          // its commit fails
  CHECK_FALSE(put("rain", t0 + 5, false));   // 1004
  CHECK_FALSE(put("gas", t0 + 6, false));    // 1005
  // Each read: a page newest first, then the board by due (none due: by number).
  auto nos = [&store](const std::string& category, const std::string& tier) {
    std::vector<int64_t> out;
    TicketQuery q;
    q.node = "g1";
    q.category = category;
    q.tier = tier;
    for (const auto& t : store->tickets(q)) out.push_back(t.no);
    for (const auto& f : store->open_tickets_where("g1", 10, BoardFilter{category, tier, "", {}}))
      out.push_back(f.ticket.no);
    return out;
  };
  auto check_reads = [&] {
    CHECK(nos("water", "") == std::vector<int64_t>{1001, 1001});
    CHECK(nos("noise", "small") == std::vector<int64_t>{1002, 1002});
    CHECK(nos("smoke", "") == std::vector<int64_t>{1003, 1003});
    CHECK(nos("rain", "") == std::vector<int64_t>{1004, 1004});
    CHECK(nos("gas", "") == std::vector<int64_t>{1005, 1005});
    CHECK(nos("water", "hard").empty());  // a tier no ticket has
    CHECK(nos("snow", "").empty());       // a category no ticket has
  };
  check_reads();
  auto codes = [&dir] {
    SQLite::Database db(dir.file("s.db"), SQLite::OPEN_READONLY);
    SQLite::Statement s(db, "SELECT text, code FROM codes WHERE kind = 'category' ORDER BY code");
    std::vector<std::pair<std::string, int64_t>> got;
    while (s.executeStep()) got.emplace_back(s.getColumn(0).getString(), s.getColumn(1).getInt64());
    CHECK(db.execAndGet("SELECT count(*) FROM ticket_scope WHERE typeof(category) <> 'integer' OR "
                        "typeof(tier) <> 'integer' OR typeof(level) <> 'integer' OR "
                        "typeof(status) <> 'integer'")
              .getInt() == 0);
    return got;
  };
  // The codes given are the ones committed, in the order first written, none lost or reused.
  store->close();
  const std::vector<std::pair<std::string, int64_t>> given = {
      {"water", 0}, {"noise", 1}, {"smoke", 2}, {"rain", 3}, {"gas", 4}};
  CHECK(codes() == given);
  // Reopened, a writer that has cached nothing finds the codes already given and adds the next.
  store = open(dir);
  check_reads();
  CHECK_FALSE(put("snow", t0 + 7, false));   // 1006
  CHECK_FALSE(put("water", t0 + 8, false));  // 1007
  CHECK(nos("snow", "") == std::vector<int64_t>{1006, 1006});
  CHECK(nos("water", "") == std::vector<int64_t>{1007, 1001, 1001, 1007});
  store->close();
  auto more = given;
  more.emplace_back("snow", 5);
  CHECK(codes() == more);
}
