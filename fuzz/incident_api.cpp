// Incident API JSON (docs/api.md, docs/incidents.md): what a utility system POSTs to
// /api/v1/incidents and /api/v1/incidents/{no}/updates, driven through the public entry point
// api::IncidentApi::handle on a world like the tests' (demo org, shipped rules, a bridge channel, a
// SQLite store on a temp file). Every POST is signed by the harness, so the body parser
// (read_submission), the scope resolution and the store write are all reached.
//
// The first input byte picks the request; the rest is its body or target:
//   0, 1: POST incidents (a new incident)           2: POST incidents/E1/updates
//   3: POST incidents/<first line>/updates, body = the other lines
//   4: GET incidents?<rest> (the list's query)       5: GET incidents/<rest>
//
// The store keeps what the accepted inputs wrote; it is started afresh every kWritesPerStore
// accepted writes so that it stays small (a crash found late may need the inputs before it: run
// the crash file alone first, it usually reproduces on a fresh store).
#include "adapters/bridge/adapter.hpp"
#include "base/common/clock.hpp"
#include "base/config/org_csv.hpp"
#include "bot/api/incident_api.hpp"
#include "bot/incidents/service.hpp"
#include "bot/knowledge/knowledge.hpp"
#include "fuzz/fuzz_support.hpp"
#include "rules/classifier.hpp"

#include <rapidjson/document.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <set>

#include <unistd.h>

using namespace gridbot;

namespace {

constexpr std::string_view kSecret = "fuzz-incident-secret";
constexpr std::string_view kToken = "fuzz-api-token";
// Small enough that a listing (mode 4) stays short: with 2,000 the store's incidents made each
// GET answer, and the harness's check of it, most of an input's time.
constexpr int kWritesPerStore = 200;

// Never destroyed: the atexit handler that removes it runs after static destructors would have.
const std::filesystem::path& temp_dir() {
  static const std::filesystem::path* dir = [] {
    // tmpfs when there is one: every accepted POST is a commit with fsync.
    const std::filesystem::path base = std::filesystem::exists("/dev/shm")
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    auto* d =
        new std::filesystem::path(base / ("gridbot-fuzz-incident-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(temp_dir(), ec);
    });
    return d;
  }();
  return *dir;
}

struct World {
  FakeClock clock;
  channels::ChannelTable channels;
  std::shared_ptr<knowledge::Knowledge> knowledge = std::make_shared<knowledge::Knowledge>();
  std::shared_ptr<const incidents::IncidentGrammar> grammar;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<incidents::IncidentService> service;
  std::unique_ptr<api::IncidentApi> api;
  int generation = 0;
  int writes = 0;

  World() {
    config::ChannelConfig cfg;
    cfg.name = "bridge";
    cfg.type = "bridge";
    cfg.bot_id = "wxid_bot";
    adapters::bridge::Options o;
    o.secret = "bridge-secret";
    o.outbound_url = "http://127.0.0.1:9/send";
    o.bot_id = "wxid_bot";
    channels.add_for_test(cfg, std::make_unique<adapters::bridge::BridgeAdapter>(o));

    const std::string src = GRIDBOT_SOURCE_DIR;
    const std::string rules = fuzz::rules_dir();
    std::vector<OrgRecord> nodes;
    std::vector<std::string> errors;
    std::string err;
    if (!config::load_org_csv(src + "/config/demo/org.csv", &nodes, &errors))
      fuzz::setup_failed("config/demo/org.csv");
    auto tree = config::merge_org({}, nodes, &errors);
    if (!tree) fuzz::setup_failed("config/demo/org.csv: merge");
    knowledge->tree = std::make_shared<const OrgTree>(std::move(*tree));
    knowledge->rules = rules::load_rules(rules, &err);
    knowledge->templates = knowledge::Templates::load(rules + "/templates.json", &errors);
    knowledge->grammar = knowledge::CommandGrammar::load(rules + "/commands.json", &errors);
    grammar = incidents::IncidentGrammar::load(rules + "/commands.json", &errors);
    if (!knowledge->rules || !knowledge->templates || !knowledge->grammar || !grammar)
      fuzz::setup_failed(errors.empty() ? err : errors[0]);
    fresh_store();
  }

  // A new store with incident E1 open (an update target for mode 2).
  void fresh_store() {
    api.reset();
    service.reset();
    if (store) store->close();
    store.reset();
    const auto file = temp_dir() / ("store-" + std::to_string(++generation) + ".db");
    std::error_code ec;
    std::filesystem::remove(temp_dir() / ("store-" + std::to_string(generation - 1) + ".db"), ec);
    std::filesystem::remove(temp_dir() / ("store-" + std::to_string(generation - 1) + ".db-wal"),
                            ec);
    std::filesystem::remove(temp_dir() / ("store-" + std::to_string(generation - 1) + ".db-shm"),
                            ec);
    std::string err;
    store = store::open_sqlite_store(file.string(), {}, &err);
    if (!store) fuzz::setup_failed(err);
    service = std::make_unique<incidents::IncidentService>(channels, knowledge, grammar, clock,
                                                           incidents::IncidentConfig{});
    api = std::make_unique<api::IncidentApi>(
        *service, *store, clock,
        api::IncidentApiOptions{std::string(kSecret), 300, std::string(kToken)});
    writes = 0;
    const HttpResponse first =
        call(post("incidents", R"({"kind":"停电","scope":["10kV沙河线"],"cause":"开关柜故障",)"
                               R"("expected_restore":"19:30","external_id":"seed-1"})"),
             "incidents");
    if (first.status != 201) fuzz::setup_failed("seed incident: " + first.body);
  }

  HttpRequest post(std::string_view path, std::string body) const {
    HttpRequest r;
    r.method = "POST";
    r.target = "/api/v1/" + std::string(path);
    const std::string ts = std::to_string(clock.now_s());
    r.headers = {{"Content-Type", "application/json"},
                 {"X-Gridbot-Timestamp", ts},
                 {"X-Gridbot-Signature", adapters::bridge::sign(kSecret, ts, body)}};
    r.body = std::move(body);
    return r;
  }

  HttpRequest get(std::string_view target) const {
    HttpRequest r;
    r.method = "GET";
    r.target = "/api/v1/" + std::string(target);
    r.headers = {{"Authorization", "Bearer " + std::string(kToken)}};
    return r;
  }

  HttpResponse call(const HttpRequest& r, std::string_view path) {
    std::promise<HttpResponse> p;
    auto answered = p.get_future();
    try {
      api->handle(r, path, [&p](HttpResponse resp) { p.set_value(std::move(resp)); });
    } catch (const store::ReadError&) {
      // The router answers 503 (bot/api/router.cpp); never expected of a healthy temp store.
      fuzz::setup_failed("a read failed on the temp store");
    }
    return answered.get();
  }
};

World& world() {
  static World* w = new World();
  return *w;
}

void check_response(const HttpResponse& r) {
  static const std::set<int> kKnown{200, 201, 400, 401, 404, 405, 409};
  FUZZ_CHECK(kKnown.count(r.status) == 1);
  rapidjson::Document doc;
  doc.Parse(r.body.data(), r.body.size());
  FUZZ_CHECK(!doc.HasParseError() && doc.IsObject());
}

}  // namespace

// Loads what every input needs before the first one: the per-input timeout does not count it
// (loading the rules takes seconds under ASan on a busy machine).
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  fuzz::quiet_logs();
  (void)world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::quiet_logs();
  if (size == 0) return 0;
  World& w = world();
  const std::string rest(fuzz::as_text(data + 1, size - 1));
  HttpRequest req;
  std::string path;
  switch (data[0] % 6) {
    case 0:
    case 1:
      path = "incidents";
      req = w.post(path, rest);
      break;
    case 2:
      path = "incidents/E1/updates";
      req = w.post(path, rest);
      break;
    case 3: {
      const auto nl = rest.find('\n');
      path = "incidents/" + rest.substr(0, nl) + "/updates";
      req = w.post(path, nl == std::string::npos ? std::string() : rest.substr(nl + 1));
      break;
    }
    case 4:
      path = "incidents";
      req = w.get("incidents?" + rest);
      break;
    default:
      path = "incidents/" + rest;
      req = w.get(path);
      break;
  }
  const HttpResponse resp = w.call(req, path);
  check_response(resp);
  if (req.method == "POST" && (resp.status == 200 || resp.status == 201) &&
      ++w.writes >= kWritesPerStore)
    w.fresh_store();
  return 0;
}
