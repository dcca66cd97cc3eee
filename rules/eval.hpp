// Scoring the classifier against a labelled messages.tsv file (the `gridbot eval` figures).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rules/classifier.hpp"

namespace gridbot::rules {

/// Which rows of the file to score. The split is deterministic on the id's number:
/// n % 3 == 0 is the report split (one third), the rest is the tune split.
enum class EvalSplit { all, tune, report };

/// The goals of issue 3, the thresholds the eval test asserts.
struct EvalGoals {
  static constexpr double report_f1 = 0.95;
  static constexpr double category = 0.90;
  static constexpr double tier = 0.85;
  static constexpr double urgent_recall = 0.95;
  static constexpr double urgent_precision = 0.80;
  static constexpr double location = 0.95;
};

/// Figures for one file (or split). Accuracies are over the gold reports; a missed report counts
/// as a wrong category, tier and location. Urgency is over all messages.
struct EvalMetrics {
  int messages = 0;
  int gold_reports = 0;
  int predicted_reports = 0;
  int true_reports = 0;  ///< predicted and gold
  double report_precision = 0, report_recall = 0, report_f1 = 0;
  int category_correct = 0, tier_correct = 0, location_correct = 0;
  double category_accuracy = 0, tier_accuracy = 0, location_accuracy = 0;
  int urgent_gold = 0, urgent_predicted = 0, urgent_true = 0;
  double urgent_recall = 0, urgent_precision = 0;
  /// "gold->predicted" category confusions ("-" is a non-report), most frequent first.
  std::vector<std::pair<std::string, int>> confusions;
  /// One line per wrongly handled row: "id  what  text".
  std::vector<std::string> mistakes;
  /// Rows that could not be parsed ("LINE: why"); they are skipped.
  std::vector<std::string> bad_rows;
  bool file_ok = true;

  /// True when every goal of EvalGoals is met.
  bool meets_goals() const;
};

/// One labelled message of a messages.tsv-format file.
struct LabelledRow {
  std::string id, text, category, tier;
  bool report = false, urgent = false;
  Location location;
};

/// Reads the rows of a messages.tsv-format file into `rows` (appended). Rows that cannot be
/// parsed are skipped and described in `bad` ("LINE: why"). Returns false when the file cannot
/// be opened.
bool read_labelled(const std::string& tsv_path, std::vector<LabelledRow>& rows,
                   std::vector<std::string>& bad);

/// Scores `rules` on `rows` (all of them).
EvalMetrics evaluate_rows(const Rules& rules, const std::vector<LabelledRow>& rows);

struct TrainOptions;

/// Pooled k-fold cross-validation figures (see cross_validate()).
struct CvResult {
  EvalMetrics rules_only;  ///< the keyword rules alone (they were tuned on all labelled files)
  EvalMetrics model_only;  ///< the model trained on the other folds, alone
  EvalMetrics combined;    ///< keyword rules + that model, blended as classify() does
  std::string error;       ///< not empty: a fold's model could not be built; no metrics
};

/// k-fold cross-validation: rows are sorted by (report, category) and dealt round-robin into
/// `folds` folds; for each fold the n-gram model is trained on the other folds only and the fold
/// is classified with it. The metrics are pooled over all held-out rows. The keyword rules of
/// `rules` are used as they are; the model and blend of `rules`, if any, are replaced.
CvResult cross_validate(const Rules& rules, const std::vector<LabelledRow>& rows, int folds,
                        const TrainOptions& options);

/// Classifies every row of `tsv_path` in `split` and compares with its labels. The file has the
/// columns id, text, is_report, category, tier, urgent, location ("b=3;u=2;r=501" or "-");
/// lines starting with '#' are comments. file_ok is false when the file cannot be opened.
EvalMetrics evaluate(const Rules& rules, const std::string& tsv_path,
                     EvalSplit split = EvalSplit::all);

/// The human-readable block printed by `gridbot eval` for one set of metrics.
std::string format_metrics(const std::string& title, const EvalMetrics& m);

}  // namespace gridbot::rules
