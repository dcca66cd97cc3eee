// The gridbot subcommands, wired from the libraries. main.cpp only parses the command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gridbot::app {

/// Validates config, channels, rules and org without serving; prints one line per problem.
int check(const std::string& config_file);
/// Runs the server until SIGINT/SIGTERM; writes the bound port to port_file when given.
int serve(const std::string& config_file, const std::string& port_file);
/// Copies the configured store to dest consistently, also while the server runs.
int backup(const std::string& config_file, const std::string& dest);
/// Imports org CSV files into the configured store: all rows or none.
int org_import(const std::string& config_file, const std::string& csv_file);
/// Console accounts (docs/console.md): adds one bound to an org node with a role, the password
/// read from $GRIDBOT_PASSWORD or the first line of stdin; prints a new API token of an account;
/// lists the accounts.
int user_add(const std::string& config_file, const std::string& name, const std::string& node,
             const std::string& role, const std::string& display_name);
int user_token(const std::string& config_file, const std::string& name, const std::string& label);
int user_list(const std::string& config_file);
/// `what` (disable, enable, password, revoke) to account `name`, audited as by "cli"; a new
/// password is read as user_add reads it; `label` narrows revoke to the tokens with it.
int user_change(const std::string& config_file, const std::string& name, const std::string& what,
                const std::string& label);
/// A stub bridge receiver that prints what it receives (the demo's outbound end).
int stub(const std::string& listen, uint16_t port, const std::string& secret,
         const std::string& port_file, int fail_first);
/// Rules CLIs.
int classify(const std::string& rules_dir, bool explain);
int eval(const std::string& rules_dir, const std::string& tsv);
/// eval of several files, or with cv_folds > 1 their pooled k-fold cross-validation.
int eval(const std::string& rules_dir, const std::vector<std::string>& tsvs, int cv_folds);
/// Trains the n-gram model on the files and writes it to model_out (`min_count`: an n-gram is a
/// feature when at least that many training messages have it; `max_ngrams`: the model's budget
/// of n-grams, 0 for the default).
int train(const std::string& rules_dir, const std::vector<std::string>& tsvs,
          const std::string& model_out, int min_count, std::size_t max_ngrams = 0);

/// `gridbot compile-model`: writes the compact model (rules_dir/model.bin, or `out`) from
/// rules_dir/model.json (docs/rules.md "The compact model"). Returns the exit code.
int compile_model(const std::string& rules_dir, const std::string& out);

}  // namespace gridbot::app
