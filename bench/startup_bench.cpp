// Start-up benchmark: how long `gridbot serve` on the demo org takes to answer /healthz, and where
// that time goes, each beside a baseline measured in the same run (docs/benchmarks.md
// "Start-up"):
//   baselines:  spawning and reaping a trivial process; reading model.json's bytes;
//   the model:  read from model.bin, and parsed from model.json and compiled (what it replaces);
//   the steps of a start, in this process, in serve's order: configuration, templates and command
//               words, rules (model.bin and model.json), store open and org import (a new store
//               and an existing one), the system CA bundle (read once the server is up);
//   the server: spawn → first 200 from /healthz over loopback, with a new store (migrations, org
//               import) and with the store of the run before (a restart).
// Every figure is p50 / max over RUNS runs, in milliseconds.
// Usage: startup_bench [runs=10] [gridbot binary=this build's]   (another binary: an older build to
// compare with; run with no build beside it: the machine has two cores)
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "base/config/config.hpp"
#include "bot/incidents/grammar.hpp"
#include "bot/knowledge/command_grammar.hpp"
#include "bot/knowledge/org_loader.hpp"
#include "bot/knowledge/templates.hpp"
#include "bot/store/store.hpp"
#include "rules/classifier.hpp"
#include "rules/compact_model.hpp"
#include "rules/rules.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;
using namespace gridbot;

const std::string kSource = GRIDBOT_SOURCE_DIR;
const std::string kRules = kSource + "/rules";
const std::string kConfig = kSource + "/config/gridbot.json";

double ms_since(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

// Runs `f` `runs` times and prints p50 / max of what it measured (ms; negative: it failed).
void measured_row(const char* what, int runs, const std::function<double()>& f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const double t = f();
    if (t < 0) {
      std::printf("%-58s failed\n", what);
      return;
    }
    ms.push_back(t);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%-58s %8.2f / %8.2f\n", what, ms[ms.size() / 2], ms.back());
  std::fflush(stdout);
}

// The same for the whole of `f` (false: it failed).
void row(const char* what, int runs, const std::function<bool()>& f) {
  measured_row(what, runs, [&] {
    const auto t = Steady::now();
    return f() ? ms_since(t) : -1.0;
  });
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::string out(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  return out;
}

pid_t spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  return posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0 ? pid : -1;
}

// One GET /healthz on 127.0.0.1:port; true on a 200. A blocking socket is all a poll needs.
bool healthy(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    char buf[64] = {};
    ok = ::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size()) &&
         ::read(fd, buf, sizeof buf - 1) >= 12 && std::string_view(buf, 12) == "HTTP/1.1 200";
  }
  ::close(fd);
  return ok;
}

// Starts the server (port 0, its port written to a file), polls until /healthz answers 200
// (every 0.5 ms), stops it with SIGTERM. Returns the ms from the spawn to the 200 (not the stop),
// or -1 when it did not answer within 10 s or did not stop cleanly.
double start_until_healthy(const std::string& binary, const std::string& dir) {
  const std::string port_file = dir + "/port";
  fs::remove(port_file);
  const auto start = Steady::now();
  const pid_t pid = spawn({binary, "serve", "-c", kConfig, "--port-file", port_file});
  if (pid < 0) return -1;
  const auto deadline = start + std::chrono::seconds(10);
  bool ok = false;
  int port = 0;
  while (!ok && Steady::now() < deadline) {
    if (port == 0) std::ifstream(port_file) >> port;
    ok = port != 0 && healthy(port);
    if (!ok) std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  const double ms = ms_since(start);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : -1;
}

void remove_store(const std::string& db) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 10;
  const std::string binary = argc > 2 ? argv[2] : GRIDBOT_BINARY;
  const std::string dir =
      (fs::temp_directory_path() / ("gridbot_startup_bench_" + std::to_string(::getpid())))
          .string();
  fs::create_directories(dir);
  const std::string db = dir + "/gridbot.db";
  // The demo configuration on a store of our own, a port of its own, quiet.
  ::setenv("GRIDBOT_DB", db.c_str(), 1);
  ::setenv("GRIDBOT_PORT", "0", 1);
  ::setenv("GRIDBOT_LOG", "warn", 1);

  std::printf("start-up of gridbot serve on the demo org, %d runs (ms: p50 / max)\n", runs);
  std::printf("-- baselines\n");
  row("spawn and reap /bin/true", runs, [] {
    const pid_t pid = spawn({"/bin/true"});
    int status = 0;
    return pid > 0 && ::waitpid(pid, &status, 0) == pid;
  });
  const std::string json_path = kRules + "/model.json";
  const std::string text = read_file(json_path);
  row("read model.json's bytes", runs, [&] { return read_file(json_path).size() == text.size(); });

  std::printf("-- the model alone\n");
  std::string error;
  rules::LoadOptions json_only;
  json_only.compact_model = false;
  const auto reference = rules::load_rules(kRules, &error, json_only);
  if (!reference) {
    std::fprintf(stderr, "%s", error.c_str());
    return 1;
  }
  row("model.bin: read and checked (compact, as at start)", runs, [&] {
    std::string why;
    const bool ok =
        nullptr != rules::read_compact_model(kRules + "/" + rules::kCompactModelFile,
                                             read_file(json_path), reference->categories, &why);
    if (!ok) std::printf("model.bin: %s (build the gridbot_model_bin target)\n", why.c_str());
    return ok;
  });
  row("model.json: parsed and compiled (the fallback)", runs, [&] {
    rules::ModelData data;
    std::vector<std::string> problems;
    return rules::parse_model(json_path, read_file(json_path), data, problems) &&
           rules::build_model(data, reference->categories, nullptr) != nullptr;
  });

  std::printf("-- the steps of a start, in serve's order (in this process)\n");
  std::optional<config::Config> cfg;
  row("configuration (config/gridbot.json)", runs, [&] {
    std::vector<std::string> errors;
    cfg = config::load_config(kConfig, config::process_env(), &errors);
    return cfg.has_value();
  });
  if (!cfg) return 1;
  row("templates and command words", runs, [&] {
    std::vector<std::string> errors;
    knowledge::Templates::load(kRules + "/templates.json", &errors);
    knowledge::CommandGrammar::load(kRules + "/commands.json", &errors);
    incidents::IncidentGrammar::load(kRules + "/commands.json", &errors);
    return errors.empty();
  });
  row("rules: load_rules with model.bin", runs,
      [&] { return rules::load_rules(kRules, &error) != nullptr; });
  row("rules: load_rules with model.json (no model.bin)", runs,
      [&] { return rules::load_rules(kRules, &error, json_only) != nullptr; });
  const auto open_and_import = [&](bool fresh) {
    if (fresh) remove_store(db);
    auto store = store::open_sqlite_store(db, {}, &error);
    if (!store) return false;
    std::vector<std::string> errors;
    const bool ok = knowledge::import_org(cfg->org_files, store.get(), &errors).has_value();
    store->close();
    return ok;
  };
  row("store open + org import, new store (migrations, rows)", runs,
      [&] { return open_and_import(true); });
  row("store open + org import, existing store (unchanged)", runs,
      [&] { return open_and_import(false); });
  row("system CA bundle (OpenSSL; read once the server is up)", runs, [] {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    const bool ok = ctx != nullptr && SSL_CTX_set_default_verify_paths(ctx) == 1;
    SSL_CTX_free(ctx);
    return ok;
  });

  std::printf("-- the server: spawn -> first 200 from /healthz over loopback\n");
  measured_row("gridbot serve, new store", runs, [&] {
    remove_store(db);
    return start_until_healthy(binary, dir);
  });
  measured_row("gridbot serve, existing store (a restart)", runs,
               [&] { return start_until_healthy(binary, dir); });
  fs::remove_all(dir);
  return 0;
}
