// `gridbot train`: fits the n-gram model (rules/ngram_model.hpp) to labelled messages.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rules/eval.hpp"
#include "rules/ngram_model.hpp"

namespace gridbot::rules {

/// The shipped model's budget of n-grams (TrainOptions::max_ngrams; docs/rules.md "Training").
inline constexpr std::size_t kDefaultMaxNgrams = 262142;

/// Training settings. The defaults are the ones rules/model.json was trained with.
struct TrainOptions {
  int epochs = 10;                    ///< passes over the data (order shuffled with a fixed seed)
  double learning_rate = 0.1;         ///< SGD step per example on the softmax log-loss
  double urgent_positive_weight = 3;  ///< urgent reports are ~1 in 8: their steps count this much
  double min_weight = 0.002;          ///< n-grams whose weights are all below this are dropped
  /// n-grams that occur in fewer training messages than this are not features (a one-message
  /// n-gram is memorisation, and the table it would add costs scoring time).
  int min_count = 1;
  /// The most n-grams (with their suffixes) the model may have: each one more costs scoring
  /// time (a larger table misses the cache more), so this is the speed and size budget;
  /// NgramModel::kMaxNgrams is the format's limit.
  std::size_t max_ngrams = kDefaultMaxNgrams;
  /// Written to model.json as is. Picked on the blind batches p and q scored with the rules as
  /// they were before each batch (docs/rules-evaluation.md), not on data the keyword rules were
  /// tuned on.
  ModelBlend blend{1.5f, 2.0f, 2.0f, 0.5f, 3.0f};
};

/// Fits one softmax-regression head per question on the character 1-3-grams of the normalised
/// text: report (all rows), category, tier and urgent (gold reports only). Weights are the
/// average over all SGD steps. Deterministic: the same rows and options give the same model.
/// `category_codes` names the category columns (rows with another category are not used for
/// the category head).
ModelData train_model(const std::vector<LabelledRow>& rows,
                      const std::vector<std::string>& category_codes, const TrainOptions& options);

/// A model of `rows` that build_model() accepts for `rules` with at most options.max_ngrams
/// n-grams with their suffixes: when the data gives more, the weakest are pruned (min_weight
/// raised x1.5 per step, deterministic; `on_prune` hears each new min_weight). `compiled`, when not
/// null, gets the compiled model. Returns false (and leaves `out` empty) when 20 steps do not make
/// it fit.
bool train_fitting(const std::vector<LabelledRow>& rows, const Rules& rules, TrainOptions options,
                   ModelData& out, std::shared_ptr<const NgramModel>* compiled = nullptr,
                   const std::function<void(double)>& on_prune = {});

}  // namespace gridbot::rules
