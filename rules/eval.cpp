// evaluate(): reads a labelled TSV, classifies each row, accumulates the issue-3 metrics; and
// cross_validate(), which retrains the n-gram model per fold.
#include "rules/eval.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <fstream>
#include <map>
#include <sstream>

#include "rules/ngram_model.hpp"
#include "rules/rules.hpp"
#include "rules/trainer.hpp"

namespace gridbot::rules {
namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cols;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    cols.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) return cols;
    start = tab + 1;
  }
}

bool parse_location(const std::string& s, Location& loc) {
  if (s == "-" || s.empty()) return true;
  std::istringstream in(s);
  std::string part;
  while (std::getline(in, part, ';')) {
    if (part.size() < 3 || part[1] != '=') return false;
    std::string value = part.substr(2);
    // The classifier writes a building letter upper-case (a栋 is building A): so is the gold's.
    for (char& ch : value)
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    switch (part[0]) {
      case 'b':
        loc.building = value;
        break;
      case 'u':
        loc.unit = value;
        break;
      case 'r':
        loc.room = value;
        break;
      default:
        return false;
    }
  }
  return true;
}

bool in_split(const std::string& id, EvalSplit split) {
  if (split == EvalSplit::all) return true;
  unsigned long n = 0;
  bool digits = false;
  for (const char c : id) {
    if (c >= '0' && c <= '9') {
      n = n * 10 + static_cast<unsigned long>(c - '0');
      digits = true;
    }
  }
  if (!digits) n = std::hash<std::string>{}(id);
  return (n % 3 == 0) == (split == EvalSplit::report);
}

double ratio(int a, int b) { return b == 0 ? 1.0 : static_cast<double>(a) / b; }

std::string location_text(const Location& l) {
  std::string s;
  if (!l.building.empty()) s += "b=" + l.building + ";";
  if (!l.unit.empty()) s += "u=" + l.unit + ";";
  if (!l.room.empty()) s += "r=" + l.room + ";";
  if (s.empty()) return "-";
  s.pop_back();
  return s;
}

void score_row(const LabelledRow& row, const Classification& c, EvalMetrics& m,
               std::map<std::string, int>& confusions) {
  ++m.messages;
  m.gold_reports += row.report;
  m.predicted_reports += c.is_report;
  m.true_reports += row.report && c.is_report;
  const bool urgent = c.is_report && c.urgent;
  m.urgent_gold += row.urgent;
  m.urgent_predicted += urgent;
  m.urgent_true += row.urgent && urgent;
  std::string what;
  if (row.report != c.is_report) what += row.report ? " missed-report" : " false-report";
  if (row.urgent != urgent) what += row.urgent ? " missed-urgent" : " false-urgent";
  if (row.report) {
    const bool cat_ok = c.is_report && c.category == row.category;
    m.category_correct += cat_ok;
    m.tier_correct += c.is_report && c.tier == row.tier;
    m.location_correct += c.location == row.location;
    if (!cat_ok) ++confusions[row.category + "->" + (c.is_report ? c.category : "-")];
    if (c.is_report && !cat_ok) what += " category " + row.category + "->" + c.category;
    if (c.is_report && c.tier != row.tier) what += " tier " + row.tier + "->" + c.tier;
    if (c.location != row.location) {
      what += " location " + location_text(row.location) + "->" + location_text(c.location);
    }
  } else if (c.is_report) {
    ++confusions["-->" + c.category];
  }
  if (!what.empty()) {
    char score[32];
    std::snprintf(score, sizeof score, " (score %.1f)", c.score);
    m.mistakes.push_back(row.id + what + score + "  " + row.text);
  }
}

void finish(EvalMetrics& m, const std::map<std::string, int>& confusions) {
  m.report_precision = ratio(m.true_reports, m.predicted_reports);
  m.report_recall = ratio(m.true_reports, m.gold_reports);
  m.report_f1 =
      m.report_precision + m.report_recall == 0
          ? 0
          : 2 * m.report_precision * m.report_recall / (m.report_precision + m.report_recall);
  m.category_accuracy = ratio(m.category_correct, m.gold_reports);
  m.tier_accuracy = ratio(m.tier_correct, m.gold_reports);
  m.location_accuracy = ratio(m.location_correct, m.gold_reports);
  m.urgent_recall = ratio(m.urgent_true, m.urgent_gold);
  m.urgent_precision = ratio(m.urgent_true, m.urgent_predicted);
  m.confusions.assign(confusions.begin(), confusions.end());
  std::stable_sort(m.confusions.begin(), m.confusions.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
}

}  // namespace

bool EvalMetrics::meets_goals() const {
  return report_f1 >= EvalGoals::report_f1 && category_accuracy >= EvalGoals::category &&
         tier_accuracy >= EvalGoals::tier && urgent_recall >= EvalGoals::urgent_recall &&
         urgent_precision >= EvalGoals::urgent_precision &&
         location_accuracy >= EvalGoals::location;
}

bool read_labelled(const std::string& tsv_path, std::vector<LabelledRow>& rows,
                   std::vector<std::string>& bad) {
  std::ifstream in(tsv_path);
  if (!in) return false;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto cols = split_tabs(line);
    LabelledRow row;
    if (cols.size() != 7 || (cols[2] != "0" && cols[2] != "1") ||
        !parse_location(cols[6], row.location)) {
      bad.push_back(std::to_string(n) + ": expected 7 tab-separated columns");
      continue;
    }
    row.id = cols[0];
    row.text = cols[1];
    row.report = cols[2] == "1";
    row.category = cols[3];
    row.tier = cols[4];
    row.urgent = cols[5] == "1";
    rows.push_back(std::move(row));
  }
  return true;
}

EvalMetrics evaluate_rows(const Rules& rules, const std::vector<LabelledRow>& rows) {
  EvalMetrics m;
  std::map<std::string, int> confusions;
  for (const auto& row : rows) score_row(row, classify(rules, row.text), m, confusions);
  finish(m, confusions);
  return m;
}

EvalMetrics evaluate(const Rules& rules, const std::string& tsv_path, EvalSplit split) {
  std::vector<LabelledRow> rows;
  std::vector<std::string> bad;
  if (!read_labelled(tsv_path, rows, bad)) {
    EvalMetrics m;
    m.file_ok = false;
    return m;
  }
  std::erase_if(rows, [&](const LabelledRow& r) { return !in_split(r.id, split); });
  EvalMetrics m = evaluate_rows(rules, rows);
  m.bad_rows = std::move(bad);
  return m;
}

CvResult cross_validate(const Rules& rules, const std::vector<LabelledRow>& rows, int folds,
                        const TrainOptions& options) {
  // Stratified deal: sorting by (report, category) spreads every category over the folds.
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::pair{rows[a].report, rows[a].category} <
           std::pair{rows[b].report, rows[b].category};
  });
  const auto k = static_cast<std::size_t>(std::max(folds, 2));
  std::vector<std::size_t> fold_of(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) fold_of[order[i]] = i % k;
  CvResult out;
  std::map<std::string, int> conf_rules, conf_model, conf_combined;
  for (std::size_t f = 0; f < k; ++f) {
    std::vector<LabelledRow> train;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (fold_of[i] != f) train.push_back(rows[i]);
    }
    auto r = std::make_shared<Rules>(rules);
    // Pruned to fit like `gridbot train` does: a model that does not compile must not leave the
    // fold silently scored by the keyword rules alone.
    ModelData data;
    if (!train_fitting(train, rules, options, data, &r->model)) {
      out.error = "fold " + std::to_string(f + 1) + ": the trained model does not fit the scorer";
      return out;
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (fold_of[i] != f) continue;
      r->blend = Blend::rules_only;
      score_row(rows[i], classify(*r, rows[i].text), out.rules_only, conf_rules);
      r->blend = Blend::model_only;
      score_row(rows[i], classify(*r, rows[i].text), out.model_only, conf_model);
      r->blend = Blend::combined;
      score_row(rows[i], classify(*r, rows[i].text), out.combined, conf_combined);
    }
  }
  finish(out.rules_only, conf_rules);
  finish(out.model_only, conf_model);
  finish(out.combined, conf_combined);
  return out;
}

std::string format_metrics(const std::string& title, const EvalMetrics& m) {
  char buf[640];
  std::snprintf(buf, sizeof buf,
                "%s: %d messages, %d reports\n"
                "  report    precision %.3f  recall %.3f  F1 %.3f\n"
                "  category  %.3f (%d/%d)\n"
                "  tier      %.3f (%d/%d)\n"
                "  urgent    recall %.3f (%d/%d)  precision %.3f (%d/%d)\n"
                "  location  %.3f (%d/%d)\n"
                "  goals     %s\n",
                title.c_str(), m.messages, m.gold_reports, m.report_precision, m.report_recall,
                m.report_f1, m.category_accuracy, m.category_correct, m.gold_reports,
                m.tier_accuracy, m.tier_correct, m.gold_reports, m.urgent_recall, m.urgent_true,
                m.urgent_gold, m.urgent_precision, m.urgent_true, m.urgent_predicted,
                m.location_accuracy, m.location_correct, m.gold_reports,
                m.meets_goals() ? "met" : "NOT met");
  return buf;
}

}  // namespace gridbot::rules
