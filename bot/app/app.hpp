// The gridbot subcommands, wired from the libraries. main.cpp only parses the command line.
#pragma once

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
/// A stub bridge receiver that prints what it receives (the demo's outbound end).
int stub(const std::string& listen, uint16_t port, const std::string& secret,
         const std::string& port_file, int fail_first);
/// Rules CLIs.
int classify(const std::string& rules_dir, bool explain);
int eval(const std::string& rules_dir, const std::string& tsv);
/// eval of several files, or with cv_folds > 1 their pooled k-fold cross-validation.
int eval(const std::string& rules_dir, const std::vector<std::string>& tsvs, int cv_folds);
/// Trains the n-gram model on the files and writes it to model_out.
int train(const std::string& rules_dir, const std::vector<std::string>& tsvs,
          const std::string& model_out);

}  // namespace gridbot::app
