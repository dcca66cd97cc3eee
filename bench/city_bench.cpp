// City-scale reads: a ticket table of a city's size, generated through the store's own write path
// (so the scope index and the per-day figures are what the server would have kept), and every
// read the API, the console and the chat commands make timed on it at each size, with the growth
// ratio between the sizes: a read whose cost follows its answer stays flat as the table grows.
//
// The org is the city shape: 40 streets × 25 communities × 4 districts × 3 grids × 33 buildings
// (413,040 nodes). Tickets are spread over the year before the run: older ones mostly closed,
// recent ones open, a few handed to a department; each with its clocks, some missed, most with a
// verdict. An ordinary report's store transaction (dedupe insert, merge look-up, ticket, clocks,
// two outbox rows) is timed at each size and against an empty store.
//
// A size written xK (e.g. 1000000,x10) is the previous table replicated K times by SQL instead of
// generated: at 0.4 ms of CPU a ticket through the write path, 10 M tickets would take hours. Each
// ticket becomes K tickets with the same times, place and history (numbers no·K+k, so numbers
// still follow time), with its clocks, events, reporters, verdicts and scope rows; each node's
// per-day figures are multiplied by K, which is what the writer would have kept for K copies.
//
// CITY_BENCH_BASE=FILE starts from a table an earlier run generated (its city.db, generated for
// the same first size) instead of generating it again.
//
// Usage: city_bench [sizes=1000000,x10] [dir=/tmp/city-bench] [runs=20]
#include "base/model/figures.hpp"
#include "bot/store/store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace gridbot;
using namespace gridbot::store;
using Steady = std::chrono::steady_clock;

namespace {

constexpr int kStreets = 40, kCommunities = 25, kDistricts = 4, kGrids = 3, kBuildings = 33;
constexpr int64_t kHour = 3'600'000, kDay = 24 * kHour;
const std::vector<std::string> kCategories = {"facility", "water",  "power",    "environment",
                                              "noise",    "safety", "property", "parking"};

struct Place {
  int s, c, d, g, b;
  std::string street() const { return "s" + std::to_string(s); }
  std::string community() const { return street() + "c" + std::to_string(c); }
  std::string district() const { return community() + "d" + std::to_string(d); }
  std::string grid() const { return district() + "g" + std::to_string(g); }
  std::string building() const { return grid() + "b" + std::to_string(b); }
  std::string path() const {
    return "/" + street() + "/" + community() + "/" + district() + "/" + grid() + "/" + building() +
           "/";
  }
};

Place place_of(uint64_t r) {
  Place p;
  p.b = static_cast<int>(r % kBuildings);
  r /= kBuildings;
  p.g = static_cast<int>(r % kGrids);
  r /= kGrids;
  p.d = static_cast<int>(r % kDistricts);
  r /= kDistricts;
  p.c = static_cast<int>(r % kCommunities);
  r /= kCommunities;
  p.s = static_cast<int>(r % kStreets);
  return p;
}

Ticket make_ticket(const Place& p, const std::string& category, int64_t at, uint64_t seq) {
  Ticket t;
  t.text = "楼道灯坏了好几天了";
  t.category = category;
  t.tier = seq % 7 == 0 ? Tier::big : Tier::small;
  t.status = TicketStatus::new_;
  t.origin_node = p.building();
  t.origin_channel = "bridge";
  t.origin_chat = "room-" + p.building();
  t.origin_msg_id = "m" + std::to_string(seq);
  t.origin_path = p.path();
  t.owner_level = "grid";
  t.owner_node = p.grid();
  t.merge_key = p.building() + "|" + category;
  t.created_ms = t.updated_ms = at;
  t.reporters.push_back(
      {"bridge", "wxid_" + std::to_string(seq % 5'000'000), "居民", t.origin_chat, at});
  return t;
}

// Adds tickets numbered [from, to) of a year ending at `end_ms`, in transactions of 2,000.
void generate(Store& store, uint64_t from, uint64_t to, uint64_t total, int64_t end_ms) {
  std::mt19937_64 rng(from * 2654435761ULL + 17);
  const int64_t start_ms = end_ms - 365 * kDay;
  const auto began = Steady::now();
  for (uint64_t i = from; i < to;) {
    const uint64_t batch_end = std::min(to, i + 2000);
    const auto ec = store.write_sync([&](WriteTx& tx) {
      for (; i < batch_end; ++i) {
        const int64_t at = start_ms + static_cast<int64_t>(static_cast<double>(365 * kDay) *
                                                           (static_cast<double>(i) + 0.5) /
                                                           static_cast<double>(total));
        Ticket t = make_ticket(place_of(rng()), kCategories[rng() % kCategories.size()], at, i);
        t.no = tx.create_ticket(t);
        for (auto [clock, due] : {std::pair{DeadlineKind::accept, 2 * kHour},
                                  std::pair{DeadlineKind::resolve, 7 * kDay}}) {
          Deadline d;
          d.ticket_no = t.no;
          d.clock = clock;
          d.node = t.owner_node;
          d.due_ms = at + due;
          d.warn_ms = at + due * 3 / 4;
          d.created_ms = at;
          tx.add_deadline(d);
        }
        tx.add_event(t.no, {0, at, t.reporters[0].user_id, "居民", "reported", "", "", "new"});
        const int64_t age = end_ms - at;
        if (age < 2 * kDay && rng() % 2) continue;  // recent: still new
        t.accepted_ms = at + static_cast<int64_t>(rng() % (4 * kHour));
        t.status = TicketStatus::accepted;
        if (rng() % 20 == 0) {
          t.department = "dept-water";
          t.status = TicketStatus::transferred;
        }
        if (age > 10 * kDay || rng() % 3 == 0) {
          t.resolved_ms = t.accepted_ms + static_cast<int64_t>(rng() % (6 * kDay));
          t.status = age > 30 * kDay ? TicketStatus::closed : TicketStatus::resolved;
        }
        t.updated_ms = std::max(t.accepted_ms, t.resolved_ms);
        tx.update_ticket(t);
        tx.stop_deadlines(t.no,
                          t.resolved_ms > 0 ? std::nullopt : std::optional(DeadlineKind::accept));
        if (t.accepted_ms - at > 2 * kHour)
          for (const auto& d : tx.due_deadlines(at + 2 * kHour, 1))
            tx.set_deadline_state(d.id, DeadlineState::missed, at + 2 * kHour);
        if (t.resolved_ms > 0) {
          tx.ask_satisfaction({t.no, "bridge", t.reporters[0].user_id, t.resolved_ms, "", 0});
          tx.answer_satisfaction(t.no, "bridge", t.reporters[0].user_id,
                                 rng() % 10 ? "satisfied" : "unsatisfied", "", t.resolved_ms + 1);
        }
      }
    });
    if (ec) {
      std::fprintf(stderr, "generate: %s\n", ec.message().c_str());
      std::exit(1);
    }
  }
  const double s = std::chrono::duration<double>(Steady::now() - began).count();
  std::printf("generated tickets %llu..%llu in %.1f s (%.0f tickets/s)\n",
              static_cast<unsigned long long>(from), static_cast<unsigned long long>(to), s,
              static_cast<double>(to - from) / s);
}

// The tables a ticket's rows live in, with the column holding its number; their other columns are
// copied as they are (ids of events and clocks are given afresh).
struct Copied {
  const char* table;
  const char* no_column;
  bool fresh_id;
};
constexpr Copied kCopied[] = {
    {"tickets", "no", false},
    {"ticket_reporters", "ticket_no", false},
    {"ticket_events", "ticket_no", true},
    {"deadlines", "ticket_no", true},
    {"satisfaction", "ticket_no", false},
    {"verdicts", "ticket_no", false},
    {"ticket_scope", "no", false},
};

std::vector<std::string> columns_of(SQLite::Database& db, const std::string& table) {
  std::vector<std::string> out;
  SQLite::Statement s(db, "SELECT name FROM pragma_table_info(?)");
  s.bind(1, table);
  while (s.executeStep()) out.push_back(s.getColumn(0).getString());
  return out;
}

// `dst` (a fresh store, schema made by its migrations) gets `src`'s tickets K times over.
void replicate(const std::filesystem::path& src, const std::filesystem::path& dst, int k) {
  const auto began = Steady::now();
  SQLite::Database db(dst.string(), SQLite::OPEN_READWRITE);
  db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000");
  db.exec("ATTACH DATABASE '" + src.string() + "' AS src");
  // Secondary indexes are dropped for the copy and made again after it (a sort, not 100 million
  // random inserts), with the statements the migrations made them with.
  std::vector<std::pair<std::string, std::string>> indexes;
  {
    SQLite::Statement s(db,
                        "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND "
                        "sql IS NOT NULL");
    while (s.executeStep())
      indexes.emplace_back(s.getColumn(0).getString(), s.getColumn(1).getString());
  }
  for (const auto& [name, sql] : indexes) db.exec("DROP INDEX main." + name);
  db.exec("CREATE TEMP TABLE copies(k INTEGER PRIMARY KEY)");
  for (int i = 0; i < k; ++i) db.exec("INSERT INTO copies VALUES(" + std::to_string(i) + ")");
  db.exec("BEGIN");
  // The scope rows' codes mean what they meant in the source.
  db.exec("INSERT INTO main.codes SELECT * FROM src.codes");
  for (const auto& c : kCopied) {
    std::string cols, select;
    for (const auto& col : columns_of(db, c.table)) {
      if (c.fresh_id && col == "id") continue;
      cols += (cols.empty() ? "" : ", ") + col;
      select += (select.empty() ? "" : ", ") +
                (col == c.no_column ? col + " * " + std::to_string(k) + " + copies.k" : col);
    }
    // In key order of the table, so each copy appends.
    const std::string order = std::string(c.table) == "ticket_scope" ? "node, no, copies.k"
                              : c.fresh_id ? "src." + std::string(c.table) + ".rowid, copies.k"
                                           : std::string(c.no_column) + ", copies.k";
    db.exec("INSERT INTO main." + std::string(c.table) + "(" + cols + ") SELECT " + select +
            " FROM src." + c.table + " CROSS JOIN copies ORDER BY " + order);
    std::printf("  replicated %s\n", c.table);
    std::fflush(stdout);
  }
  // Each node holds K times the open tickets.
  db.exec("INSERT INTO main.node_open(node, n) SELECT node, n * " + std::to_string(k) +
          " FROM src.node_open");
  // Each node's day holds K times the counts.
  SQLite::Statement days(db,
                         "SELECT node, day, received, accepted_in_time, resolved, satisfied, "
                         "unsatisfied, defaulted, misses, reopened, categories, tiers, "
                         "accept_hist, resolve_hist FROM src.node_days");
  SQLite::Statement put(db, "INSERT INTO main.node_days VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  while (days.executeStep()) {
    put.bind(1, days.getColumn(0).getString());
    put.bind(2, days.getColumn(1).getInt64());
    for (int c = 2; c < 10; ++c) put.bind(c + 1, days.getColumn(c).getInt64() * k);
    for (int c = 10; c < 12; ++c) {
      std::map<std::string, int64_t> counts;
      parse_counts(days.getColumn(c).getString(), &counts);
      for (auto& [code, n] : counts) n *= k;
      put.bind(c + 1, encode_counts(counts));
    }
    for (int c = 12; c < 14; ++c) {
      DurationHistogram h, scaled;
      h.parse(days.getColumn(c).getString());
      for (size_t b = 0; b < h.buckets().size(); ++b)
        if (h.buckets()[b] != 0) scaled.add_bucket(static_cast<int>(b), h.buckets()[b] * k);
      put.bind(c + 1, scaled.encode());
    }
    put.exec();
    put.reset();
  }
  db.exec("COMMIT");
  for (const auto& [name, sql] : indexes) db.exec(sql);
  db.exec("DETACH DATABASE src");
  db.exec("PRAGMA journal_mode=WAL");
  std::printf("replicated x%d in %.1f s\n", k,
              std::chrono::duration<double>(Steady::now() - began).count());
}

struct Timing {
  double p50_ms, p99_ms;
  size_t rows;
};

Timing time_it(int runs, const std::function<size_t()>& f) {
  std::vector<double> ms;
  size_t rows = 0;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Steady::now();
    rows = f();
    ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)], rows};
}

// One ordinary report's transaction, as the intake writes it.
size_t report(Store& store, uint64_t seq, int64_t now) {
  std::mt19937_64 rng(seq);
  const auto ec = store.write_sync([&](WriteTx& tx) {
    const Place p = place_of(rng());
    InboundMessage m;
    m.channel = "bridge";
    m.chat_id = "room-" + p.building();
    m.msg_id = "bench-" + std::to_string(seq);
    m.sender_id = "wxid_new_" + std::to_string(seq);
    m.text = "楼道灯坏了好几天了";
    m.received_at_ms = now;
    const int64_t row = tx.insert_inbound(m);
    Ticket t = make_ticket(p, "facility", now, 90'000'000 + seq);
    if (!tx.find_open_ticket(t.merge_key, "", now - 72 * kHour)) t.no = tx.create_ticket(t);
    Deadline d;
    d.ticket_no = t.no;
    d.node = t.owner_node;
    d.due_ms = now + 2 * kHour;
    d.created_ms = now;
    tx.add_deadline(d);
    for (const auto& chat : {m.chat_id, "room-" + p.grid()}) {
      OutboxItem o;
      o.channel = "bridge";
      o.chat_id = chat;
      o.text = "收到";
      o.idempotency_key = "bench|" + std::to_string(seq) + "|" + chat;
      o.created_ms = now;
      tx.enqueue(o);
    }
    tx.set_message_state(row, "ticket");
  });
  return ec ? 0 : 1;
}

using Reads = std::vector<std::pair<std::string, std::function<size_t()>>>;

Reads reads(Store& store, int64_t now) {
  const Place p = place_of(12345);
  const int64_t day = now - (now + 8 * kHour) % kDay;
  const int64_t month = day - 29 * kDay, year = day - 364 * kDay;
  auto list = [&store](std::string node, bool open, int64_t from = 0, int64_t to = 0,
                       std::string cat = "") {
    return [=, &store] {
      TicketQuery q;
      q.node = node;
      q.open_only = open;
      q.from_ms = from;
      q.to_ms = to;
      q.category = cat;
      return store.tickets(q).size();
    };
  };
  // A ticket some way down a street's newest page: there at every size, replicated or not.
  const int64_t one = [&store, &p] {
    TicketQuery q;
    q.node = p.street();
    const auto page = store.tickets(q);
    return page.empty() ? int64_t{0} : page.back().no;
  }();
  auto figures = [&store](std::string node, int64_t from, int64_t to) {
    return [=, &store] { return static_cast<size_t>(store.figures(node, from, to).received); };
  };
  return {
      {"tickets of a building (page)", list(p.building(), false)},
      {"open tickets of a grid (page)", list(p.grid(), true)},
      {"tickets of a street (page)", list(p.street(), false)},
      {"tickets of a community, one month, one category",
       list(p.community(), false, month, day, "water")},
      {"tickets of the city, one category (page)", list("", false, 0, 0, "water")},
      // A category no ticket has yet (new in rules/): the answer is empty whatever the table.
      {"tickets of the city, a category none has (page)", list("", false, 0, 0, "lift")},
      {"one ticket with history",
       [&store, one] {
         const auto t = store.ticket(one);
         return t ? t->events.size() : 0;
       }},
      {"待办 of a grid (first 10 by due, and the count)",
       [&store, p] {
         int64_t total = 0;
         store.open_tickets(p.grid(), 10, &total);
         return static_cast<size_t>(total);
       }},
      {"待办 of a street (first 10 by due, and the count)",
       [&store, p] {
         int64_t total = 0;
         store.open_tickets(p.street(), 10, &total);
         return static_cast<size_t>(total);
       }},
      {"the console's board of a street (first 500 by due)",
       [&store, p] {
         int64_t total = 0;
         return store.open_tickets(p.street(), 500, &total).size();
       }},
      {"the console's board of a street, one category (first 500 by due)",
       [&store, p] {
         return store.open_tickets_where(p.street(), 500, BoardFilter{"water", "", "", {}}).size();
       }},
      {"统计 of a community, today", figures(p.community(), day, now)},
      {"统计 of a grid, month", figures(p.grid(), month, now)},
      {"统计 of a street, month", figures(p.street(), month, now)},
      {"stats of the city, year", figures("", year, now)},
      {"return visits of a community, month",
       [&store, p, month, day] { return store.facts(p.community(), month, day).size(); }},
      {"deliveries failed (page)",
       [&store] {
         DeliveryQuery q;
         q.state = DeliveryState::failed;
         return store.deliveries(q).size();
       }},
      {"incidents (page)", [&store] { return store.incidents({}).size(); }},
      {"next deadline", [&store] { return static_cast<size_t>(store.next_deadline_ms() ? 1 : 0); }},
  };
}

}  // namespace

int main(int argc, char** argv) {
  // Sizes in tickets; a negative entry -K is the previous size replicated K times (written xK).
  std::vector<int64_t> sizes = {1'000'000, -10};
  if (argc > 1) {
    sizes.clear();
    std::string s = argv[1];
    for (size_t at = 0; at < s.size();) {
      const size_t comma = std::min(s.find(',', at), s.size());
      const std::string item = s.substr(at, comma - at);
      sizes.push_back(item[0] == 'x' ? -std::stoll(item.substr(1)) : std::stoll(item));
      at = comma + 1;
    }
  }
  const std::filesystem::path dir = argc > 2 ? argv[2] : "/tmp/city-bench";
  const int runs = argc > 3 ? std::stoi(argv[3]) : 20;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string err;
  auto open = [&err](const std::filesystem::path& path) {
    auto store = open_sqlite_store(path.string(), {}, &err);
    if (!store) {
      std::fprintf(stderr, "%s\n", err.c_str());
      std::exit(1);
    }
    return store;
  };
  std::filesystem::path db = dir / "city.db";
  uint64_t have = 0;
  if (const char* base = std::getenv("CITY_BENCH_BASE")) {
    std::filesystem::copy_file(base, db);
    SQLite::Database copy(db.string(), SQLite::OPEN_READWRITE);
    have = static_cast<uint64_t>(copy.execAndGet("SELECT count(*) FROM tickets").getInt64());
    std::printf("started from %s: %llu tickets\n", base, static_cast<unsigned long long>(have));
  }
  auto store = open(db);
  // The copy's dirty pages written back before anything is timed: a report's durable commit
  // waits on the disk, and a gigabyte of writeback behind it would be timed instead.
  ::sync();
  const int64_t now = 1'796'000'000'000;  // 2026-11-30
  // Generated tickets spread over the year by the largest generated size.
  uint64_t total = 0;
  for (int64_t s : sizes) total = s > 0 ? static_cast<uint64_t>(s) : total;
  uint64_t seq = 0;
  const Timing empty = [&] {
    auto fresh = open(dir / "empty.db");
    const auto t = time_it(runs, [&] { return report(*fresh, seq++, now); });
    fresh->close();
    return t;
  }();
  std::printf("report's transaction on an empty store: p50 %.2f ms, p99 %.2f ms\n", empty.p50_ms,
              empty.p99_ms);
  std::map<std::string, std::vector<Timing>> table;
  std::vector<Timing> acks;
  std::vector<uint64_t> labels;
  for (int64_t size : sizes) {
    if (size > 0) {
      if (static_cast<uint64_t>(size) > have)
        generate(*store, have, static_cast<uint64_t>(size), total, now - kHour);
      have = std::max(have, static_cast<uint64_t>(size));
    } else {
      const int k = static_cast<int>(-size);
      store->close();
      store.reset();
      const auto next = dir / ("city-x" + std::to_string(k) + ".db");
      open(next)->close();  // the schema, by the migrations
      replicate(db, next, k);
      db = next;
      store = open(db);
      ::sync();
      have *= static_cast<uint64_t>(k);
    }
    labels.push_back(have);
    for (const auto& [name, f] : reads(*store, now)) table[name].push_back(time_it(runs, f));
    acks.push_back(time_it(runs, [&] { return report(*store, seq++, now); }));
  }
  std::printf("\n%-50s", "read (p50 / p99 ms, rows)");
  for (uint64_t s : labels) std::printf(" | %24llu tickets", static_cast<unsigned long long>(s));
  std::printf(" | p99 ratio last/first | answer ratio\n");
  for (const auto& [name, f] : reads(*store, now)) {
    (void)f;
    const auto& t = table[name];
    std::printf("%-50s", name.c_str());
    for (const auto& x : t) std::printf(" | %8.2f / %8.2f (%6zu)", x.p50_ms, x.p99_ms, x.rows);
    // The answer's own growth beside it: a read that follows its answer grows by about that.
    std::printf(" | %.2f | %.1f\n", t.back().p99_ms / std::max(t.front().p99_ms, 0.001),
                static_cast<double>(std::max<size_t>(t.back().rows, 1)) /
                    static_cast<double>(std::max<size_t>(t.front().rows, 1)));
  }
  std::printf("%-50s", "a report's transaction");
  for (const auto& x : acks) std::printf(" | %8.2f / %8.2f        ", x.p50_ms, x.p99_ms);
  std::printf(" | %.2f (empty store p50 %.2f ms: last/empty %.2f)\n",
              acks.back().p99_ms / std::max(acks.front().p99_ms, 0.001), empty.p50_ms,
              acks.back().p50_ms / std::max(empty.p50_ms, 0.001));
  store->close();
  return 0;
}
