// Wiring of the subcommands: config → channels → store → org → outbox → inbox → router → http.
#include "bot/app/app.hpp"

#include "base/common/calendar.hpp"

#include "bot/app/aibot_link.hpp"

#include "adapters/bridge/adapter.hpp"
#include "base/common/clock.hpp"
#include "base/common/ip_range.hpp"
#include "base/common/log.hpp"
#include "base/common/metrics.hpp"
#include "base/config/config.hpp"
#include "base/common/worker.hpp"
#include "bot/api/incident_api.hpp"
#include "bot/api/media_route.hpp"
#include "bot/api/router.hpp"
#include "bot/console/console_api.hpp"
#include "bot/channels/channel_table.hpp"
#include "bot/deadlines/timer.hpp"
#include "bot/delivery/confirmations.hpp"
#include "bot/delivery/outbox.hpp"
#include "bot/incidents/service.hpp"
#include "bot/intake/chain.hpp"
#include "bot/intake/inbox.hpp"
#include "bot/knowledge/analysis.hpp"
#include "bot/knowledge/command_grammar.hpp"
#include "bot/knowledge/org_loader.hpp"
#include "bot/knowledge/templates.hpp"
#include "bot/media/fetcher.hpp"
#include "bot/media/outgoing.hpp"
#include "bot/media/signer.hpp"
#include "bot/tickets/service.hpp"
#include "bot/http/client.hpp"
#include "bot/http/server.hpp"
#include "rules/classifier.hpp"

#include <atomic>
#include <csignal>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <mutex>
#include <thread>

namespace gridbot::app {
namespace {

struct Loaded {
  config::Config cfg;
  channels::ChannelTable channels;
  std::shared_ptr<const knowledge::Templates> templates;
  std::shared_ptr<const rules::Rules> rules;
  std::shared_ptr<const knowledge::CommandGrammar> grammar;
  std::shared_ptr<const incidents::IncidentGrammar> incident_grammar;
  std::vector<std::string> warnings;  // what loaded but is worth saying (a stale model.bin)
};

void print_errors(const std::vector<std::string>& errors) {
  for (const auto& e : errors) std::cerr << "error: " << e << "\n";
}

std::unique_ptr<Loaded> load_all(const std::string& file, std::vector<std::string>* errors) {
  auto cfg = config::load_config(file, config::process_env(), errors);
  if (!cfg) return nullptr;
  auto out = std::make_unique<Loaded>();
  out->cfg = std::move(*cfg);
  out->channels.build(out->cfg, errors);
  const std::string dir = out->cfg.rules_dir.empty() ? "rules" : out->cfg.rules_dir;
  out->templates = knowledge::Templates::load(dir + "/templates.json", errors);
  out->grammar = knowledge::CommandGrammar::load(dir + "/commands.json", errors);
  out->incident_grammar = incidents::IncidentGrammar::load(dir + "/commands.json", errors);
  std::string rules_error;
  rules::LoadOptions rules_options;
  rules_options.warnings = &out->warnings;
  out->rules = rules::load_rules(dir, &rules_error, rules_options);
  if (!out->rules) errors->push_back(rules_error);
  if (!errors->empty()) return nullptr;
  return out;
}

tickets::TicketConfig ticket_config(const config::TicketsConfig& c) {
  auto ms = [](double hours) { return static_cast<int64_t>(hours * 3600.0 * 1000.0); };
  tickets::TicketConfig t;
  t.merge_window_ms = c.merge_window_h * 3600 * 1000;
  t.repeat_reply_ms = ms(c.repeat_reply_min / 60.0);
  t.accept_ms = ms(c.accept_h);
  t.update_ms = ms(c.update_h);
  t.resolve_urgent_ms = ms(c.resolve_urgent_h);
  t.resolve_utility_ms = ms(c.resolve_utility_h);
  t.resolve_general_ms = ms(c.resolve_general_h);
  t.resolve_complex_ms = ms(c.resolve_complex_h);
  t.warn_at = c.warn_at;
  t.satisfaction_ms = ms(c.satisfaction_h);
  t.digest_minute = parse_hh_mm(c.digest_at).value_or(20 * 60);  // validated by load_config
  t.utc_offset_ms = static_cast<int64_t>(c.utc_offset_min) * 60'000;
  t.follow_up_ms = static_cast<int64_t>(c.follow_up_min * 60'000.0);
  t.follow_up_delay_ms = static_cast<int64_t>(c.follow_up_delay_s * 1000.0);
  return t;
}

bool write_port_file(const std::string& path, uint16_t port) {
  if (path.empty()) return true;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp);
    f << port << "\n";
    if (!f) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// delivery::Transport over the Beast client.
class ClientTransport final : public delivery::Transport {
 public:
  explicit ClientTransport(http::Client& client) : client_(client) {}
  void send(HttpRequest request, int64_t timeout_ms,
            std::function<void(TransportResult)> done) override {
    client_.send(std::move(request), timeout_ms, std::move(done));
  }

 private:
  http::Client& client_;
};

// Deletes inbox rows older than the retention, hourly; the dedupe window is the retention.
void start_janitor(Worker& worker, store::Store& store, const Clock& clock, int64_t retention_days,
                   int64_t finished_days, const media::MediaFiles* files,
                   int64_t media_retention_days) {
  worker.start(
      "janitor", [&store, &clock, retention_days, finished_days, files, media_retention_days] {
        const int64_t now = clock.now_ms();
        const int64_t before = now - retention_days * 86'400'000;
        store.write([before](store::WriteTx& tx) { tx.prune_inbox(before); }, nullptr);
        // Finished clocks and answered questions in batches, each its own short write.
        constexpr int kBatch = 5000;
        for (int64_t gone = kBatch; gone >= kBatch;) {
          gone = 0;
          const auto ec = store.write_sync([&](store::WriteTx& tx) {
            gone = tx.prune_finished(now - finished_days * 86'400'000, kBatch);
          });
          if (ec) break;
        }
        // Media past their retention: rows marked, then the files no stored row names any more.
        if (files != nullptr)
          for (size_t gone = kBatch; gone >= static_cast<size_t>(kBatch);) {
            std::vector<std::string> shas;
            const auto ec = store.write_sync([&](store::WriteTx& tx) {
              shas = tx.expire_media(now - media_retention_days * 86'400'000, kBatch);
            });
            if (ec) break;
            for (const auto& sha : shas) files->remove(sha);
            gone = shas.size();
          }
        // Console sessions past any expiry (the longest is a day's idle limit or a month's age).
        const int64_t sessions_before = now - 31 * 86'400'000LL;
        store.write([sessions_before](store::WriteTx& tx) { tx.prune_sessions(sessions_before); },
                    nullptr);
        return std::chrono::milliseconds(std::chrono::hours(1));
      });
}

}  // namespace

int check(const std::string& config_file) {
  std::vector<std::string> errors;
  auto loaded = load_all(config_file, &errors);
  std::optional<OrgTree> tree;
  if (loaded) tree = knowledge::import_org(loaded->cfg.org_files, nullptr, &errors);
  if (!loaded || !tree) {
    print_errors(errors);
    return 1;
  }
  for (const auto& w : loaded->warnings) std::cerr << "warning: " << w << "\n";
  std::cout << config_file << ": ok: " << loaded->channels.all().size()
            << " channel(s); org: " << tree->count(Level::street) << " street, "
            << tree->count(Level::community) << " community, " << tree->count(Level::district)
            << " district, " << tree->count(Level::grid) << " grid, "
            << tree->count(Level::building) << " building, " << tree->count(Level::department)
            << " department nodes\n";
  return 0;
}

namespace {
// The configuration alone (no channels, rules or org), its problems printed one per line.
std::optional<config::Config> load_config_or_print(const std::string& config_file) {
  std::vector<std::string> errors;
  auto cfg = config::load_config(config_file, config::process_env(), &errors);
  if (!cfg) print_errors(errors);
  return cfg;
}
}  // namespace

int backup(const std::string& config_file, const std::string& dest) {
  auto cfg = load_config_or_print(config_file);
  if (!cfg) return 1;
  std::string err;
  if (!store::backup_sqlite_store(cfg->store.path, dest, &err)) {
    std::cerr << "error: backup of " << cfg->store.path << " failed: " << err << "\n";
    return 1;
  }
  std::cout << "backed up " << cfg->store.path << " to " << dest << "\n";
  return 0;
}

int org_import(const std::string& config_file, const std::string& csv_file) {
  std::vector<std::string> errors;
  auto cfg = load_config_or_print(config_file);
  if (!cfg) return 1;
  std::string err;
  auto store = store::open_sqlite_store(cfg->store.path, {}, &err);
  if (!store) {
    std::cerr << "error: " << err << "\n";
    return 1;
  }
  auto tree = knowledge::import_org({csv_file}, store.get(), &errors);
  store->close();
  if (!tree) {
    print_errors(errors);
    std::cerr << "nothing imported\n";
    return 1;
  }
  std::cout << "imported " << csv_file << " into " << cfg->store.path << ": tree of "
            << tree->nodes().size() << " nodes\n";
  return 0;
}

namespace {

// The store and the org tree it holds merged with the configured CSV files; null on error
// (printed).
std::unique_ptr<store::Store> open_store(const config::Config& cfg, std::optional<OrgTree>* tree) {
  std::string err;
  store::SqliteOptions sopt;
  sopt.group_commit_max = cfg.store.group_commit_max;
  sopt.readers = cfg.store.readers;
  sopt.read_time_limit_ms = cfg.store.read_time_limit_ms;
  const auto tc = ticket_config(cfg.tickets);
  sopt.figures = {tc.utc_offset_ms, tc.accept_ms};
  auto store = store::open_sqlite_store(cfg.store.path, sopt, &err);
  if (!store) {
    std::cerr << "error: " << err << "\n";
    return nullptr;
  }
  std::vector<std::string> errors;
  *tree = knowledge::import_org(cfg.org_files, store.get(), &errors);
  if (!*tree) {
    print_errors(errors);
    return nullptr;
  }
  log::info("org: {} nodes, {} buildings", (*tree)->nodes().size(),
            (*tree)->count(Level::building));
#ifdef __GLIBC__
  // Reading a city's org leaves ~100 MB of freed parse buffers behind the tree; hand them back
  // to the system once rather than carry them as resident memory for the server's life.
  malloc_trim(0);
#endif
  return store;
}

// SIGHUP reloads the rules, templates and command words as one immutable set: messages in flight
// finish with the set they started with; a set with errors is refused and the old stays.
// Returns the signal that ends the server.
int reload_until_stopped(http::Runtime& runtime, const std::string& config_file,
                         console::KnowledgeSwap& swap, api::ReloadCounts& reloads) {
  int sig = 0;
  while ((sig = runtime.wait_for_signal()) == SIGHUP) {
    std::vector<std::string> reload_errors;
    auto fresh = load_all(config_file, &reload_errors);
    if (!fresh) {
      for (const auto& e : reload_errors) log::error("reload refused: {}", e);
      ++reloads.refused;
      continue;
    }
    for (const auto& w : fresh->warnings) log::warn("{}", w);
    // The org tree stays the one in use (it changes at start and by a console import).
    swap.apply(
        [&fresh](knowledge::Knowledge& k) {
          k.rules = fresh->rules;
          k.templates = fresh->templates;
          k.grammar = fresh->grammar;
        },
        fresh->incident_grammar);
    log::info("reloaded rules, templates and commands from {}", fresh->cfg.rules_dir);
    ++reloads.reloaded;
  }
  return sig;
}

// The gauges /metrics reads at scrape time from their owners.
std::function<void(metrics::Registry&)> scrape_gauges(const delivery::Outbox& outbox,
                                                      store::Store& store, const Clock& clock) {
  return [&outbox, &store, &clock](metrics::Registry& reg) {
    const int64_t now = clock.now_ms();
    for (const auto& [channel, d] : outbox.depth_by_channel()) {
      reg.set("gridbot_outbox_depth", {{"channel", channel}}, static_cast<double>(d.rows));
      const double age =
          d.oldest_created_ms > 0 ? static_cast<double>(now - d.oldest_created_ms) / 1000.0 : 0.0;
      reg.set("gridbot_outbox_oldest_pending_seconds", {{"channel", channel}}, age);
    }
    store::IncidentQuery open;
    open.status = IncidentStatus::open;
    open.limit = 100'000;
    reg.set("gridbot_incidents_open", {}, static_cast<double>(store.incidents(open).size()));
  };
}

console::AuthOptions auth_options(const config::Config& cfg) {
  console::AuthOptions o;
  o.api_token = cfg.api_token;
  o.idle_ms = cfg.console.idle_min * 60'000;
  o.absolute_ms = cfg.console.absolute_h * 3'600'000;
  o.secure_cookie = cfg.console.secure_cookie;
  o.account_failures = cfg.console.login_failures_per_account;
  o.address_failures = cfg.console.login_failures_per_address;
  o.throttle_window_ms = cfg.console.login_window_min * 60'000;
  for (const auto& p : cfg.console.trusted_proxies)
    if (auto r = parse_ip_range(p)) o.trusted_proxies.push_back(*r);  // validated by load_config
  return o;
}

// A download may be a little longer than the medium it holds (WeCom's 32-byte padding).
constexpr size_t kMediaEnvelopeBytes = 64 * 1024;

media::FetcherOptions media_options(const config::MediaConfig& c) {
  media::FetcherOptions o;
  o.max_bytes = c.max_bytes;
  o.max_attempts = c.max_attempts;
  o.backoff_initial_ms = c.backoff_initial_ms;
  o.backoff_max_ms = c.backoff_max_ms;
  o.timeout_ms = c.download_timeout_ms;
  o.max_in_flight = c.max_in_flight;
  return o;
}

http::ServerOptions server_options(const config::Config& cfg) {
  return {cfg.server.listen,          cfg.server.port,
          cfg.server.read_timeout_ms, cfg.server.write_timeout_ms,
          cfg.server.idle_timeout_ms, cfg.server.header_limit,
          cfg.server.body_limit,      cfg.server.max_connections};
}

}  // namespace

int serve(const std::string& config_file, const std::string& port_file) {
  std::vector<std::string> errors;
  auto loaded = load_all(config_file, &errors);
  if (!loaded) {
    print_errors(errors);
    return 1;
  }
  const auto& cfg = loaded->cfg;
  log::set_level(cfg.log_level);
  log::set_format(cfg.log_format);
  log::gather_lines();
  for (const auto& w : loaded->warnings) log::warn("{}", w);
  std::optional<OrgTree> tree;
  auto store = open_store(cfg, &tree);
  if (!store) return 1;
  if (cfg.api_token.empty()) log::warn("api.token is not set: /api/v1 is closed");

  SystemClock clock;
  http::Runtime runtime;
  http::Client client(runtime, {cfg.tls.ca_file});  // tls.ca_file: an extra trusted CA
  ClientTransport http_transport(client);
  // Frames for AI bots on a long connection go over it; every other send is HTTP(S).
  AibotLinks transport(loaded->channels, runtime, cfg.tls.ca_file, http_transport);
  delivery::Outbox outbox(cfg.outbox, loaded->channels, *store, transport, clock);
  // Media downloads have their own client: a body limit of the media's, not a reply's.
  http::Client media_client(
      runtime, {cfg.tls.ca_file, static_cast<size_t>(cfg.media.max_bytes) + kMediaEnvelopeBytes});
  ClientTransport media_transport(media_client);
  std::unique_ptr<media::MediaFiles> media_files;
  std::unique_ptr<media::UrlSigner> media_signer;
  std::unique_ptr<media::Fetcher> media_fetcher;
  if (!cfg.media.dir.empty()) {
    std::string err;
    std::string secret = cfg.media.url_secret;
    if (secret.empty()) secret = media::load_or_create_secret(cfg.media.dir + "/url.key", &err);
    if (secret.empty()) {
      std::cerr << "error: " << err << "\n";
      return 1;
    }
    media_files = std::make_unique<media::MediaFiles>(cfg.media.dir);
    media_signer = std::make_unique<media::UrlSigner>(std::move(secret));
    media_fetcher = std::make_unique<media::Fetcher>(media_options(cfg.media), loaded->channels,
                                                     *store, media_transport, *media_files, clock);
  }
  if (media_files)
    outbox.set_image_source([&store = *store, &files = *media_files](int64_t id) {
      return media::image_lookup(store, files, id);
    });
  auto knowledge = std::make_shared<knowledge::Knowledge>(
      knowledge::Knowledge{std::make_shared<const OrgTree>(std::move(*tree)), loaded->rules,
                           loaded->templates, loaded->grammar});
  // The tree's asset and name indexes, off the start's path, before an outage needs them.
  std::thread([tree = knowledge->tree] { tree->prepare_lookups(); }).detach();
  std::unique_ptr<api::MediaRoute> media_route;
  auto tconfig = ticket_config(cfg.tickets);
  if (media_files) {
    media_route = std::make_unique<api::MediaRoute>(
        *store, *media_files, *media_signer, clock,
        static_cast<int64_t>(cfg.media.url_ttl_h * 3600.0), cfg.media.public_url);
    // Relays carry links only when they can be absolute (media.public_url).
    if (media_route->has_public_url())
      tconfig.media_link = [r = media_route.get()](int64_t id) {
        return r->link(std::to_string(id));
      };
  }
  tickets::TicketService tickets(loaded->channels, knowledge, clock, tconfig);
  // A crew's photo joins their update within the residents' follow-up window.
  incidents::IncidentService incidents(
      loaded->channels, knowledge, loaded->incident_grammar, clock,
      {cfg.incidents.hotline, tconfig.follow_up_ms, tconfig.media_link});
  intake::Chain chain(incidents, tickets);
  intake::Inbox inbox(loaded->channels, *store, clock);
  inbox.set_processor([&chain](const InboundMessage& m, int64_t id, store::WriteTx& tx) {
    return chain.process(m, id, tx);
  });
  // Classification, command and group on the I/O thread, before the write: the writer checks
  // they were made under the knowledge it holds (a reload in between: it works them out again).
  inbox.set_analyser(
      [&tickets](InboundMessage& m) { m.analysis = knowledge::analyse(tickets.knowledge(), m); });
  // Answers that read (待办, 统计) are read here, before the write, never by the writer.
  TaskPool answer_reads(2, "answer-reads");
  inbox.set_preparer({[&tickets](const InboundMessage& m) { return tickets.answer_needs_reads(m); },
                      [&tickets, &store](InboundMessage& m) { tickets.prepare_answer(m, *store); },
                      &answer_reads});
  api::Router router(inbox, *store, cfg.api_token, &outbox);
  router.set_tickets(&tickets.config());
  if (media_route) router.set_media(media_route.get());
  api::ReloadCounts reloads;
  router.set_reload_counts(&reloads);
  router.set_gauges(scrape_gauges(outbox, *store, clock));
  router.set_trust_request_id(cfg.trust_request_id);
  api::IncidentApi incident_api(incidents, *store, clock,
                                {cfg.incidents.secret, cfg.incidents.max_skew_s, cfg.api_token});
  router.set_incident_api(&incident_api);
  console::Authenticator auth(*store, clock, auth_options(cfg));
  console::KnowledgeSwap knowledge_swap(tickets, incidents);
  console::ConsoleApi console_api(
      *store, auth, tickets, incidents, knowledge_swap, clock,
      {cfg.console.web_dir.empty() ? "web" : cfg.console.web_dir, cfg.console.org_import_limit,
       media_route ? std::function<std::string(const Media&)>(
                         [r = media_route.get()](const Media& m) { return r->link(m); })
                   : nullptr});
  router.set_console(&console_api, &auth, [&tickets] { return tickets.knowledge()->tree; });

  http::Server server(runtime, server_options(cfg), [&router](HttpRequest req, auto reply) {
    router.handle(req, std::move(reply));
  });
  if (auto ec = server.listen()) {
    std::cerr << "error: " << config_file << ": server.listen/port: cannot listen on "
              << cfg.server.listen << ":" << cfg.server.port << ": " << ec.message() << "\n";
    return 1;
  }
  runtime.start(cfg.server.threads);
  try {
    outbox.start();
  } catch (const store::ReadError& e) {
    std::cerr << "error: " << cfg.store.path << ": the outbox cannot be read: " << e.what() << "\n";
    runtime.stop();
    return 1;
  }
  transport.start(inbox);
  if (media_fetcher) {
    media_fetcher->start();
    inbox.set_media_listener([f = media_fetcher.get()] { f->wake(); });
  }
  deadlines::Timer deadline_timer(tickets, *store, clock);
  deadline_timer.start();
  delivery::ConfirmationPoller confirmations(cfg.outbox, loaded->channels, *store, transport,
                                             clock);
  confirmations.start();
  Worker janitor;
  start_janitor(janitor, *store, clock, cfg.store.inbox_retention_days,
                cfg.store.finished_retention_days, media_files.get(), cfg.media.retention_days);
  if (!write_port_file(port_file, server.port())) log::error("cannot write {}", port_file);
  log::info("gridbot listening on {}:{} with {} channel(s)", cfg.server.listen, server.port(),
            loaded->channels.all().size());
  // After the start, not during it: on two busy cores the bundle's parse would slow the start.
  client.load_system_cas();

  const int sig = reload_until_stopped(runtime, config_file, knowledge_swap, reloads);
  log::info("signal {}: draining", sig);
  store->interrupt_reads();
  server.drain();
  if (!server.wait_idle(cfg.server.drain_timeout_ms))
    log::warn("drain: requests still in flight after {} ms", cfg.server.drain_timeout_ms);
  answer_reads.stop();
  if (media_fetcher) media_fetcher->stop();  // downloads in flight stay pending for the restart
  deadline_timer.stop();
  confirmations.stop();
  transport.stop();  // no new pushed messages; frames in flight fail and are retried at start
  outbox.stop(cfg.server.drain_timeout_ms);
  store->close();
  runtime.stop();
  log::info("stopped");
  return 0;
}

int stub(const std::string& listen, uint16_t port, const std::string& secret,
         const std::string& port_file, int fail_first) {
  SystemClock clock;
  http::Runtime runtime;
  std::mutex out_mu;
  std::atomic<int> to_fail{fail_first};
  http::Server server(runtime, {listen, port}, [&](HttpRequest req, auto reply) {
    std::string verdict;
    if (!secret.empty()) {
      const auto ts = header_value(req.headers, "X-Gridbot-Timestamp");
      const auto sig = header_value(req.headers, "X-Gridbot-Signature");
      verdict =
          adapters::bridge::sign(secret, ts, req.body) == sig ? " signature ok" : " SIGNATURE BAD";
    }
    {
      std::lock_guard lk(out_mu);
      std::cout << req.method << " " << req.target << verdict << "\n"
                << req.body << "\n"
                << std::flush;
    }
    if (to_fail.fetch_sub(1) > 0) return reply(json_response(503, R"({"error":"stub busy"})"));
    reply(json_response(200, R"({"ok":true})"));
  });
  if (auto ec = server.listen()) {
    std::cerr << "error: cannot listen on " << listen << ":" << port << ": " << ec.message()
              << "\n";
    return 1;
  }
  runtime.start(1);
  write_port_file(port_file, server.port());
  std::cerr << "stub listening on " << listen << ":" << server.port() << "\n";
  runtime.wait_for_signal();
  server.drain();
  runtime.stop();
  (void)clock;
  return 0;
}

int classify(const std::string& rules_dir, bool explain) {
  std::string err;
  auto rules = rules::load_rules(rules_dir, &err);
  if (!rules) {
    std::cerr << "error: " << err << "\n";
    return 1;
  }
  return rules::run_classify(*rules, std::cin, std::cout, explain);
}

int eval(const std::string& rules_dir, const std::string& tsv) {
  std::string err;
  auto rules = rules::load_rules(rules_dir, &err);
  if (!rules) {
    std::cerr << "error: " << err << "\n";
    return 1;
  }
  return rules::run_eval(*rules, tsv, std::cout);
}

int eval(const std::string& rules_dir, const std::vector<std::string>& tsvs, int cv_folds) {
  std::string err;
  auto rules = rules::load_rules(rules_dir, &err);
  if (!rules) {
    std::cerr << "error: " << err << "\n";
    return 1;
  }
  if (cv_folds > 1) return rules::run_cross_validation(*rules, tsvs, cv_folds, std::cout);
  int rc = 0;
  for (const auto& tsv : tsvs) {
    if (tsvs.size() > 1) std::cout << "== " << tsv << "\n";
    rc |= rules::run_eval(*rules, tsv, std::cout);
  }
  return rc;
}

int train(const std::string& rules_dir, const std::vector<std::string>& tsvs,
          const std::string& model_out, int min_count, std::size_t max_ngrams) {
  std::string err;
  auto rules = rules::load_rules(rules_dir, &err);
  if (!rules) {
    std::cerr << "error: " << err << "\n";
    return 1;
  }
  return rules::run_train(*rules, tsvs, model_out, std::cout, min_count, max_ngrams);
}

int compile_model(const std::string& rules_dir, const std::string& out) {
  return rules::run_compile_model(rules_dir, out, std::cout);
}

}  // namespace gridbot::app
