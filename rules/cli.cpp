// The bodies of `gridbot classify`, `eval`, `train` and `compile-model`; bot/main.cpp only parses
// arguments.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <istream>
#include <ostream>
#include <string>

#include "rules/classifier.hpp"
#include "rules/compact_model.hpp"
#include "rules/eval.hpp"
#include "rules/rules.hpp"
#include "rules/trainer.hpp"

namespace gridbot::rules {
namespace {

constexpr std::size_t kTopConfusions = 10;

bool read_all(const std::vector<std::string>& paths, std::vector<LabelledRow>& rows,
              std::ostream& out) {
  for (const auto& path : paths) {
    std::vector<std::string> bad;
    if (!read_labelled(path, rows, bad)) {
      out << path << ": cannot open\n";
      return false;
    }
    for (const auto& b : bad) out << path << ":" << b << '\n';
  }
  return true;
}

// The shipped blend when the rules carry a model, else the defaults.
TrainOptions options_for(const Rules& rules) {
  TrainOptions o;
  if (rules.model) o.blend = rules.model->blend;
  return o;
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int run_classify(const Rules& rules, std::istream& in, std::ostream& out, bool explain) {
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out << (explain ? explain_json(rules, line) : to_json(classify(rules, line))) << '\n';
  }
  out.flush();
  return 0;
}

int run_eval(const Rules& rules, const std::string& tsv_path, std::ostream& out) {
  const EvalMetrics all = evaluate(rules, tsv_path, EvalSplit::all);
  if (!all.file_ok) {
    out << tsv_path << ": cannot open\n";
    return 1;
  }
  for (const auto& bad : all.bad_rows) out << tsv_path << ":" << bad << '\n';
  out << format_metrics("all", all);
  out << format_metrics("tune split (id % 3 != 0)", evaluate(rules, tsv_path, EvalSplit::tune));
  out << format_metrics("report split (id % 3 == 0)", evaluate(rules, tsv_path, EvalSplit::report));
  out << "costliest confusions (gold->predicted, '-' = not a report):\n";
  for (std::size_t i = 0; i < all.confusions.size() && i < kTopConfusions; ++i) {
    out << "  " << all.confusions[i].first << "  " << all.confusions[i].second << '\n';
  }
  out << "mistakes:\n";
  for (const auto& m : all.mistakes) out << "  " << m << '\n';
  return 0;
}

}  // namespace gridbot::rules

namespace gridbot::rules {

int run_cross_validation(const Rules& rules, const std::vector<std::string>& tsv_paths, int folds,
                         std::ostream& out) {
  std::vector<LabelledRow> rows;
  if (!read_all(tsv_paths, rows, out)) return 1;
  const TrainOptions o = options_for(rules);
  const CvResult cv = cross_validate(rules, rows, folds, o);
  if (!cv.error.empty()) {
    out << cv.error << '\n';
    return 1;
  }
  char head[320];
  std::snprintf(head, sizeof head,
                "%d-fold cross-validation, %zu messages; blend report %g category %g tier_rule %g "
                "tier_default %g urgent %g urgent_offset %g urgent_veto %g\n",
                folds, rows.size(), static_cast<double>(o.blend.report),
                static_cast<double>(o.blend.category), static_cast<double>(o.blend.tier_rule),
                static_cast<double>(o.blend.tier_default), static_cast<double>(o.blend.urgent),
                static_cast<double>(o.blend.urgent_offset),
                static_cast<double>(o.blend.urgent_veto));
  out << head;
  out << format_metrics("keyword rules alone (tuned on all files: not an estimate)", cv.rules_only);
  out << format_metrics("model alone (trained on the other folds)", cv.model_only);
  out << format_metrics("rules + model (combined, as shipped)", cv.combined);
  out << "costliest confusions, model alone:\n";
  for (std::size_t i = 0; i < cv.model_only.confusions.size() && i < kTopConfusions; ++i) {
    out << "  " << cv.model_only.confusions[i].first << "  " << cv.model_only.confusions[i].second
        << '\n';
  }
  out << "mistakes, combined:\n";
  for (const auto& m : cv.combined.mistakes) out << "  " << m << '\n';
  return 0;
}

int run_train(const Rules& rules, const std::vector<std::string>& tsv_paths,
              const std::string& out_path, std::ostream& out, int min_count,
              std::size_t max_ngrams) {
  if (min_count < 1) {
    out << "--min-count must be 1 or more\n";
    return 1;
  }
  if (max_ngrams > NgramModel::kMaxNgrams) {
    out << "--max-ngrams must be at most " << NgramModel::kMaxNgrams << '\n';
    return 1;
  }
  std::vector<LabelledRow> rows;
  if (!read_all(tsv_paths, rows, out)) return 1;
  ModelData data;
  TrainOptions options = options_for(rules);
  options.min_count = min_count;
  if (max_ngrams != 0) options.max_ngrams = max_ngrams;
  const bool fits = train_fitting(rows, rules, options, data, nullptr, [&](double w) {
    out << "pruning: n-grams whose weights are all below " << w << " dropped to keep within "
        << options.max_ngrams << " n-grams\n";
  });
  if (!fits) {
    out << out_path << ": the trained model does not fit the scorer's table\n";
    return 1;
  }
  std::ofstream file(out_path, std::ios::binary | std::ios::trunc);
  file << model_json(data);
  file.close();
  if (!file) {
    out << out_path << ": cannot write\n";
    return 1;
  }
  out << out_path << ": " << data.ngrams.size() << " n-grams from " << rows.size() << " messages\n";
  return 0;
}

int run_compile_model(const std::string& dir, const std::string& out_path, std::ostream& out) {
  const std::string json_path = dir + "/model.json";
  const std::string path = out_path.empty() ? dir + "/" + kCompactModelFile : out_path;
  std::string text;
  if (!read_file(json_path, text)) {
    out << json_path << ": cannot read: nothing to compile\n";
    return 1;
  }
  std::string error;
  LoadOptions json_only;
  json_only.compact_model = false;
  const auto rules = load_rules(dir, &error, json_only);
  if (!rules) {
    out << error;
    return 1;
  }
  // The file records the bytes it was compiled from: they must be the ones load_rules parsed.
  std::string again;
  if (rules->model == nullptr || !read_file(json_path, again) || again != text) {
    out << json_path << ": changed while it was compiled; run again\n";
    return 1;
  }
  const std::string bytes = compact_model_bytes(*rules->model, rules->categories, text);
  // A temporary name of this process's own: two builds may write one source folder at once.
  const std::string tmp = path + "." + std::to_string(::getpid()) + ".tmp";
  std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.close();
  std::error_code ec;
  if (file) std::filesystem::rename(tmp, path, ec);
  if (!file || ec) {
    std::filesystem::remove(tmp, ec);
    out << path << ": cannot write\n";
    return 1;
  }
  out << path << ": " << rules->model->rows.size() - 1
      << " n-grams with their suffixes, compiled from " << json_path << '\n';
  return 0;
}

}  // namespace gridbot::rules
