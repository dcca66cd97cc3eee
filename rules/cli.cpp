// The bodies of `gridbot classify` and `gridbot eval`; bot/main.cpp only parses arguments.
#include <istream>
#include <ostream>
#include <string>

#include "rules/classifier.hpp"
#include "rules/eval.hpp"

namespace gridbot::rules {
namespace {

constexpr std::size_t kTopConfusions = 10;

}  // namespace

int run_classify(const Rules& rules, std::istream& in, std::ostream& out) {
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out << to_json(classify(rules, line)) << '\n';
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
