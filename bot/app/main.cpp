// gridbot's command line (CLI11): only parses arguments and calls bot/app.
#include "bot/app/app.hpp"
#include "bot/http/runtime.hpp"

#include <CLI/CLI.hpp>

#include <tuple>

int main(int argc, char** argv) {
  // Before any thread exists, so that every thread leaves SIGINT/SIGTERM to the main thread.
  gridbot::http::Runtime::block_signals();

  CLI::App cli{"gridbot: group chats wired into the grid-governance chain"};
  cli.require_subcommand(1);
  std::string config = "config/gridbot.json";
  std::string port_file, csv, rules_dir = "rules", tsv, secret, listen = "127.0.0.1";
  uint16_t port = 8081;
  int fail_first = 0;

  auto* serve = cli.add_subcommand("serve", "run the server");
  serve->add_option("-c,--config", config, "configuration file")->capture_default_str();
  serve->add_option("--port-file", port_file, "write the bound port here once listening");

  auto* check = cli.add_subcommand("check", "validate configuration, channels, rules and org");
  check->add_option("-c,--config", config, "configuration file")->capture_default_str();

  auto* org = cli.add_subcommand("org", "org tree commands");
  org->require_subcommand(1);
  auto* import = org->add_subcommand("import", "import an org CSV into the store (all or nothing)");
  import->add_option("file", csv, "CSV file (docs/org-csv.md)")->required();
  import->add_option("-c,--config", config, "configuration file")->capture_default_str();

  std::string backup_dest;
  auto* backup = cli.add_subcommand("backup", "copy the store consistently, also while serving");
  backup->add_option("dest", backup_dest, "file to write")->required();
  backup->add_option("-c,--config", config, "configuration file")->capture_default_str();

  auto* user = cli.add_subcommand("user", "console accounts (docs/console.md)");
  user->require_subcommand(1);
  std::string user_name, user_node, user_role, user_display, token_label;
  auto* user_add = user->add_subcommand(
      "add", "add an account; the password from $GRIDBOT_PASSWORD or the first line of stdin");
  user_add->add_option("name", user_name, "login name")->required();
  user_add->add_option("--node", user_node, "org node id whose subtree it sees")->required();
  user_add->add_option("--role", user_role, "viewer | operator | controller | admin")->required();
  user_add->add_option("--display", user_display, "name shown in the console and histories");
  user_add->add_option("-c,--config", config, "configuration file")->capture_default_str();
  auto* user_token = user->add_subcommand("token", "print a new API token of an account");
  user_token->add_option("name", user_name, "login name")->required();
  user_token->add_option("--label", token_label, "what the token is for");
  user_token->add_option("-c,--config", config, "configuration file")->capture_default_str();
  auto* user_list = user->add_subcommand("list", "list the accounts");
  user_list->add_option("-c,--config", config, "configuration file")->capture_default_str();
  // disable, enable, passwd, revoke: one change to one account each (console::change_account).
  std::vector<std::pair<CLI::App*, std::string>> user_changes;
  for (const auto& [sub, what, help] :
       std::vector<std::tuple<const char*, const char*, const char*>>{
           {"disable", "disable", "disable an account: its sessions end, its tokens stop working"},
           {"enable", "enable", "enable a disabled account again"},
           {"passwd", "password",
            "set an account's password from $GRIDBOT_PASSWORD or the first line of stdin; its "
            "sessions end"},
           {"revoke", "revoke", "revoke an account's API tokens (all, or those with --label)"}}) {
    auto* cmd = user->add_subcommand(sub, help);
    cmd->add_option("name", user_name, "login name")->required();
    if (std::string(sub) == "revoke")
      cmd->add_option("--label", token_label, "only the tokens with this label");
    cmd->add_option("-c,--config", config, "configuration file")->capture_default_str();
    user_changes.emplace_back(cmd, what);
  }

  auto* classify = cli.add_subcommand("classify", "classify lines of stdin, one JSON per line");
  classify->add_option("-r,--rules", rules_dir, "rules folder")->capture_default_str();
  bool explain = false;
  classify->add_flag(
      "--explain", explain,
      "add why: every rule that fired (file:line: key, weight) and the model's logits");
  auto* eval = cli.add_subcommand("eval", "score the classifier on a labelled TSV");
  std::vector<std::string> tsvs, train_tsvs;
  std::string model_out;
  int cv_folds = 0;
  eval->add_option("files", tsvs, "messages.tsv format")->required();
  eval->add_option("-r,--rules", rules_dir, "rules folder")->capture_default_str();
  eval->add_option("--cv", cv_folds, "k-fold cross-validation over all files (retrains the model)");
  auto* train = cli.add_subcommand("train", "train the n-gram model on labelled TSVs");
  train->add_option("files", train_tsvs, "messages.tsv format")->required();
  train->add_option("--out", model_out, "model file to write (rules/model.json)")->required();
  train->add_option("-r,--rules", rules_dir, "rules folder (categories)")->capture_default_str();
  int min_count = 1;
  train
      ->add_option("--min-count", min_count,
                   "an n-gram is a feature when at least this many messages have it")
      ->capture_default_str();
  std::size_t max_ngrams = 0;
  train->add_option("--max-ngrams", max_ngrams,
                    "the model's budget of n-grams with their suffixes (0: the shipped model's)");

  std::string compiled_out;
  auto* compile = cli.add_subcommand(
      "compile-model", "write the compact model (model.bin) from the rules folder's model.json");
  compile->add_option("-r,--rules", rules_dir, "rules folder")->capture_default_str();
  compile->add_option("--out", compiled_out, "file to write (default: RULES/model.bin)");

  auto* stub = cli.add_subcommand("stub", "a bridge receiver that prints what it receives");
  stub->add_option("--listen", listen, "address")->capture_default_str();
  stub->add_option("--port", port, "port (0: any)")->capture_default_str();
  stub->add_option("--secret", secret, "verify X-Gridbot-Signature with this secret");
  stub->add_option("--port-file", port_file, "write the bound port here once listening");
  stub->add_option("--fail-first", fail_first, "answer 503 to the first N requests (testing)");

  CLI11_PARSE(cli, argc, argv);
  using namespace gridbot;
  if (*serve) return app::serve(config, port_file);
  if (*check) return app::check(config);
  if (*import) return app::org_import(config, csv);
  if (*backup) return app::backup(config, backup_dest);
  if (*user_add) return app::user_add(config, user_name, user_node, user_role, user_display);
  if (*user_token) return app::user_token(config, user_name, token_label);
  if (*user_list) return app::user_list(config);
  for (const auto& [cmd, what] : user_changes)
    if (*cmd) return app::user_change(config, user_name, what, token_label);
  if (*classify) return app::classify(rules_dir, explain);
  if (*eval) return app::eval(rules_dir, tsvs, cv_folds);
  if (*train) return app::train(rules_dir, train_tsvs, model_out, min_count, max_ngrams);
  if (*compile) return app::compile_model(rules_dir, compiled_out);
  if (*stub) return app::stub(listen, port, secret, port_file, fail_first);
  return 2;
}
