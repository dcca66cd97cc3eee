// Incident fan-out benchmark (issue 7): an outage scoped to 10,000 groups (9,900 building groups
// and 100 grid groups on one feeder) delivered to a local stub platform over loopback HTTP.
//   limits off: time from the controller's 停电 command to the last delivery, against a baseline in
//               the same run (the same 10,000 rows queued straight into the outbox, no incident
//               logic), so the cost of the incident path shows apart from the transport's;
//   limits on:  the same pipeline with a per-destination limit and several updates per group, on
//               a fake clock: checked against the limit (no group ever gets more than the limit in
//               any 60 s window, nothing dropped), not by time.
// Usage: incident_bench [groups=10000] [max_in_flight=128]
#include "adapters/bridge/adapter.hpp"
#include "base/common/clock.hpp"
#include "bot/channels/channel_table.hpp"
#include "bot/incidents/service.hpp"
#include "bot/delivery/outbox.hpp"
#include "bot/intake/inbox.hpp"
#include "bot/tickets/service.hpp"
#include "bot/http/client.hpp"
#include "bot/http/runtime.hpp"
#include "bot/http/server.hpp"
#include "rules/classifier.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <thread>

using namespace gridbot;
using Steady = std::chrono::steady_clock;

namespace {

const std::string kSecret = "bench-bridge-secret-01";

class ClientTransport final : public gridbot::delivery::Transport {
 public:
  explicit ClientTransport(http::Client& c) : client_(c) {}
  void send(HttpRequest r, int64_t timeout_ms, std::function<void(TransportResult)> done) override {
    client_.send(std::move(r), timeout_ms, std::move(done));
  }

 private:
  http::Client& client_;
};

// The org: one street, one community, `grids` grids of `per_grid` buildings, all on one feeder;
// a power department with a controller.
std::shared_ptr<const OrgTree> make_tree(int grids, int per_grid) {
  std::vector<OrgRecord> nodes;
  auto node = [&](std::string id, Level l, std::string parent) {
    OrgRecord n;
    n.id = id;
    n.level = l;
    n.name = id;
    n.parent = std::move(parent);
    n.groups = {{"bridge", "room-" + id}};
    nodes.push_back(std::move(n));
    return &nodes.back();
  };
  node("st", Level::street, "");
  node("cm", Level::community, "st");
  auto* dep = node("dep-power", Level::department, "st");
  dep->heads = {{Role::controller, "bridge", "wxid_ctrl", "何调度"}};
  dep->categories = {"power"};
  for (int g = 0; g < grids; ++g) {
    node("g" + std::to_string(g), Level::grid, "cm");
    for (int b = 0; b < per_grid; ++b) {
      auto* n = node("b" + std::to_string(g) + "-" + std::to_string(b), Level::building,
                     "g" + std::to_string(g));
      n->households = 40;
      n->feeders = {"10kV压测线"};
    }
  }
  std::vector<std::string> errors;
  auto tree = OrgTree::build(std::move(nodes), &errors);
  if (!tree) {
    std::fprintf(stderr, "org: %s\n", errors.empty() ? "?" : errors[0].c_str());
    std::exit(1);
  }
  return std::make_shared<const OrgTree>(std::move(*tree));
}

struct Stub {
  std::atomic<size_t> count{0};
  std::mutex mu;
  std::map<std::string, std::vector<int64_t>> at;  // limits on: chat → clock time of each send
  const Clock* clock = nullptr;                    // set: record per-chat times
  Steady::time_point last;
  std::unique_ptr<http::Server> server;

  explicit Stub(http::Runtime& rt) {
    server = std::make_unique<http::Server>(
        rt, http::ServerOptions{}, [this](HttpRequest req, auto reply) {
          if (clock) {
            const auto p = req.body.find("room-");
            std::lock_guard lk(mu);
            // When the dispatcher started the send (the adapter signs with its clock's time).
            at[req.body.substr(p, req.body.find('"', p) - p)].push_back(
                std::stoll(std::string(header_value(req.headers, "X-Gridbot-Timestamp"))) * 1000);
          }
          {
            std::lock_guard lk(mu);
            last = Steady::now();
          }
          ++count;
          reply(json_response(200, "{}"));
        });
    if (server->listen()) std::exit(1);
  }
};

struct World {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  gridbot::channels::ChannelTable channels;
  std::shared_ptr<gridbot::knowledge::Knowledge> knowledge =
      std::make_shared<gridbot::knowledge::Knowledge>();
  std::unique_ptr<gridbot::incidents::IncidentService> incidents;
  std::unique_ptr<gridbot::intake::Inbox> pipeline;
  int seq = 0;

  World(const std::string& name, uint16_t stub_port, double rate, const Clock& clock,
        std::shared_ptr<const OrgTree> tree) {
    dir = std::filesystem::temp_directory_path() / ("gridbot-incident-bench-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::string err;
    store = store::open_sqlite_store((dir / "b.db").string(), {}, &err);
    if (!store) std::exit(1);
    config::ChannelConfig cfg;
    cfg.name = "bridge";
    cfg.type = "bridge";
    cfg.bot_id = "wxid_bot";
    cfg.rate_per_minute = rate;
    adapters::bridge::Options o;
    o.secret = kSecret;
    o.outbound_url = "http://127.0.0.1:" + std::to_string(stub_port) + "/send";
    o.bot_id = "wxid_bot";
    channels.add_for_test(cfg, std::make_unique<adapters::bridge::BridgeAdapter>(o));
    const std::string src = GRIDBOT_SOURCE_DIR;
    std::vector<std::string> errors;
    knowledge->tree = std::move(tree);
    knowledge->rules = rules::load_rules(src + "/rules", &err);
    knowledge->templates =
        gridbot::knowledge::Templates::load(src + "/rules/templates.json", &errors);
    knowledge->grammar =
        gridbot::knowledge::CommandGrammar::load(src + "/rules/commands.json", &errors);
    auto grammar = gridbot::incidents::IncidentGrammar::load(src + "/rules/commands.json", &errors);
    if (!knowledge->rules || !knowledge->templates || !knowledge->grammar || !grammar) {
      std::fprintf(stderr, "rules: %s %s\n", err.c_str(), errors.empty() ? "" : errors[0].c_str());
      std::exit(1);
    }
    incidents = std::make_unique<gridbot::incidents::IncidentService>(
        channels, knowledge, grammar, clock, gridbot::incidents::IncidentConfig{});
    pipeline = std::make_unique<gridbot::intake::Inbox>(channels, *store, clock);
    pipeline->set_processor([this](const InboundMessage& m, int64_t id, store::WriteTx& tx) {
      return incidents->process(m, id, tx).value_or("ignored");
    });
  }
  ~World() {
    store->close();
    std::filesystem::remove_all(dir);
  }
  int say(const Clock& clock, const std::string& text) {
    const std::string body =
        R"({"id":"c)" + std::to_string(++seq) +
        R"(","room":{"id":"room-dep-power"},"talker":{"id":"wxid_ctrl","name":"何调度"},"text":")" +
        text + R"(","mentions":[]})";
    HttpRequest r;
    r.method = "POST";
    const auto ts = std::to_string(clock.now_s());
    r.headers = {{"X-Gridbot-Timestamp", ts},
                 {"X-Gridbot-Signature", adapters::bridge::sign(kSecret, ts, body)}};
    r.body = body;
    std::promise<int> p;
    pipeline->handle_hook("bridge", r, [&](HttpResponse resp) { p.set_value(resp.status); });
    return p.get_future().get();
  }
};

double ms_since(Steady::time_point t0, Steady::time_point t1) {
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

bool wait_count(Stub& stub, size_t n, int seconds) {
  const auto end = Steady::now() + std::chrono::seconds(seconds);
  while (stub.count < n && Steady::now() < end)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  return stub.count >= n;
}

}  // namespace

int main(int argc, char** argv) {
  const int groups = argc > 1 ? std::atoi(argv[1]) : 10'000;
  const int in_flight = argc > 2 ? std::atoi(argv[2]) : 128;
  const int grids = std::max(1, groups / 100);
  const int per_grid = groups / grids - 1;  // each grid: its own group + per_grid buildings
  auto tree = make_tree(grids, per_grid);
  const size_t targets = static_cast<size_t>(grids * (per_grid + 1));
  http::Runtime runtime;
  runtime.start(2);
  http::Client client(runtime, {});
  ClientTransport transport(client);
  config::OutboxConfig ocfg;
  ocfg.max_in_flight = in_flight;
  ocfg.poll_ms = 10;
  std::printf(
      "incident fan-out: %zu groups (%d grids × %d buildings + grid groups), loopback stub, "
      "max_in_flight %d\n",
      targets, grids, per_grid, in_flight);

  // --- limits off: baseline, then the incident ---
  {
    SystemClock clock;
    Stub stub(runtime);
    World w("off", stub.server->port(), 1e9, clock, tree);
    gridbot::delivery::Outbox outbox(ocfg, w.channels, *w.store, transport, clock);
    outbox.start();
    // Baseline: the same rows queued straight into the outbox in one transaction.
    const auto t0 = Steady::now();
    auto ec = w.store->write_sync([&](store::WriteTx& tx) {
      for (const auto& n : w.knowledge->tree->nodes()) {
        if (n.level != Level::building && n.level != Level::grid) continue;
        OutboxItem o;
        o.channel = "bridge";
        o.chat_id = n.groups[0].chat_id;
        o.text = "【停电通知】基线：同样的行直接写入发件箱";
        o.priority = priority::kOutage;
        o.idempotency_key = "base:" + n.id;
        o.created_ms = clock.now_ms();
        gridbot::delivery::queue_message(tx, w.channels, o);
      }
    });
    const auto t_commit = Steady::now();
    if (ec || !wait_count(stub, targets, 120))
      return std::printf("baseline: not all delivered\n"), 1;
    const double base_ms = ms_since(t0, stub.last);
    std::printf(
        "baseline (rows straight into the outbox): commit %.0f ms, last delivery %.0f ms, "
        "%.0f deliveries/s\n",
        ms_since(t0, t_commit), base_ms, static_cast<double>(targets) * 1000.0 / base_ms);

    const size_t before = stub.count;
    const auto t1 = Steady::now();
    if (w.say(clock, "停电 10kV压测线 预计19:30恢复 压测开关柜故障") != 200) return 1;
    const auto t_acked = Steady::now();
    if (!wait_count(stub, before + targets + 1, 120))  // + the answer in the controller's group
      return std::printf("incident: not all delivered\n"), 1;
    const double inc_ms = ms_since(t1, stub.last);
    std::printf(
        "incident (停电 command → scope → %zu rows → delivered): command committed %.0f ms, "
        "last delivery %.0f ms, %.0f deliveries/s (%.2f× the baseline's time)%s\n",
        targets, ms_since(t1, t_acked), inc_ms, static_cast<double>(targets) * 1000.0 / inc_ms,
        inc_ms / base_ms, inc_ms <= 2000 ? "  [goal ≤ 2 s: met]" : "  [goal ≤ 2 s: NOT met]");
    outbox.stop(5000);
  }

  // --- limits on: a per-destination limit, three incidents × updates per group, fake time ---
  {
    FakeClock clock(1'700'000'000'000);
    Stub stub(runtime);
    stub.clock = &clock;
    const int on_groups =
        std::min<int>(static_cast<int>(targets), 100);  // few groups: the limit binds
    auto small =
        make_tree(std::max(1, on_groups / 100), on_groups / std::max(1, on_groups / 100) - 1);
    const double limit = 20;
    World w("on", stub.server->port(), limit, clock, small);
    gridbot::delivery::Outbox outbox(ocfg, w.channels, *w.store, transport, clock);
    outbox.start();
    size_t expected = 0;
    const size_t n_targets =
        static_cast<size_t>(small->count(Level::building) + small->count(Level::grid));
    // 25 incidents on the same groups, each with its first notice: 25 rows per group, over the
    // limit of 20 a minute (different incidents never supersede one another).
    for (int i = 0; i < 25; ++i) {
      if (w.say(clock, "停电 10kV压测线 第" + std::to_string(i + 1) + "路故障") != 200) return 1;
      expected += n_targets + 1;  // + the answer in the controller's group
    }
    const auto t0 = Steady::now();
    while (stub.count < expected && Steady::now() - t0 < std::chrono::seconds(120)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      clock.advance_ms(1000);
      outbox.wake_for_test();
    }
    std::lock_guard lk(stub.mu);
    size_t worst = 0, groups_seen = 0;
    for (const auto& [chat, times] : stub.at) {
      if (chat == "room-dep-power") continue;
      ++groups_seen;
      for (size_t i = 0, j = 0; i < times.size(); ++i) {
        while (times[i] - times[j] >= 60'000) ++j;
        worst = std::max(worst, i - j + 1);
      }
    }
    std::printf(
        "limits on (%.0f/min per group, %zu groups × 25 notices, fake clock): delivered "
        "%zu of %zu, most in any 60 s window to one group: %zu  [%s]\n",
        limit, n_targets, static_cast<size_t>(stub.count), expected, worst,
        worst <= static_cast<size_t>(limit) && stub.count >= expected
            ? "within the limit, none dropped"
            : "LIMIT BROKEN or rows missing");
    outbox.stop(5000);
  }
  runtime.stop();
  return 0;
}
