// Averaged-SGD softmax regression over character 1-3-grams (exact keys); see trainer.hpp.
#include "rules/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <unordered_map>

#include "rules/normalizer.hpp"
#include "rules/rules.hpp"

namespace gridbot::rules {
namespace {

struct Example {
  std::vector<std::uint32_t> features;  // feature 0 is the bias, always present
  int label = 0;
  double weight = 1;  // gradient scale: rare positives (urgent) count more
  double value = 1;   // every n-gram's feature value: ngram::length_scale (the bias has 1)
};

// Keys of invalid UTF-8 would not survive the JSON file; such n-grams are not features.
bool valid_key(std::string_view key) {
  for (std::size_t i = 0, len = 0; i < key.size(); i += len) {
    const std::uint32_t u = ngram::unit_at(key, i, len);
    if (len == 1 && u >= 0x80) return false;
  }
  return true;
}

// Averaged SGD on the softmax log-loss. Returns the averaged weights, [feature * classes + k].
std::vector<double> fit(const std::vector<Example>& examples, std::size_t features, int classes,
                        const TrainOptions& o) {
  const auto k_n = static_cast<std::size_t>(classes);
  std::vector<double> w(features * k_n, 0.0), u(features * k_n, 0.0);
  std::vector<std::size_t> order(examples.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::uint64_t rng = 0x2545F4914F6CDD1Dull;
  std::vector<double> z(k_n);
  double c = 1;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    for (std::size_t i = order.size(); i > 1; --i) {  // Fisher-Yates with xorshift64: deterministic
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      std::swap(order[i - 1], order[rng % i]);
    }
    for (const std::size_t idx : order) {
      const Example& e = examples[idx];
      std::fill(z.begin(), z.end(), 0.0);
      for (const std::uint32_t f : e.features) {
        const double x = f == 0 ? 1.0 : e.value;
        for (std::size_t k = 0; k < k_n; ++k) z[k] += w[f * k_n + k] * x;
      }
      const double top = *std::max_element(z.begin(), z.end());
      double sum = 0;
      for (double& v : z) sum += (v = std::exp(v - top));
      for (std::size_t k = 0; k < k_n; ++k) {
        const double g = e.weight * o.learning_rate *
                         ((static_cast<int>(k) == e.label ? 1.0 : 0.0) - z[k] / sum);
        if (std::fabs(g) < 1e-12) continue;
        for (const std::uint32_t f : e.features) {
          const double gx = f == 0 ? g : g * e.value;
          w[f * k_n + k] += gx;
          u[f * k_n + k] += c * gx;
        }
      }
      c += 1;
    }
  }
  for (std::size_t i = 0; i < w.size(); ++i) w[i] -= u[i] / c;
  return w;
}

}  // namespace

ModelData train_model(const std::vector<LabelledRow>& rows,
                      const std::vector<std::string>& category_codes, const TrainOptions& options) {
  // Feature ids in order of first appearance; keys kept for model.json.
  std::unordered_map<std::string, std::uint32_t> ids;
  std::vector<std::string> keys{""};  // id 0: bias
  std::vector<std::vector<std::uint32_t>> feats(rows.size());
  std::vector<double> value(rows.size());
  std::string text;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    normalize(rows[r].text, text);
    feats[r].push_back(0);
    const std::size_t units = ngram::for_each(text, [&](std::uint64_t, std::string_view key) {
      if (!valid_key(key)) return;
      const auto [it, fresh] =
          ids.emplace(std::string(key), static_cast<std::uint32_t>(keys.size()));
      if (fresh) keys.emplace_back(key);
      feats[r].push_back(it->second);
    });
    value[r] = ngram::length_scale(units);
  }
  // Drop the n-grams of fewer than min_count messages (ids renumbered, bias stays 0).
  {
    std::vector<std::uint32_t> count(keys.size(), 0), last(keys.size(), UINT32_MAX);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      for (const std::uint32_t f : feats[r]) {
        if (last[f] != r) {
          last[f] = static_cast<std::uint32_t>(r);
          ++count[f];
        }
      }
    }
    std::vector<std::uint32_t> remap(keys.size(), UINT32_MAX);
    std::vector<std::string> kept;
    for (std::size_t f = 0; f < keys.size(); ++f) {
      if (f == 0 || count[f] >= static_cast<std::uint32_t>(std::max(options.min_count, 1))) {
        remap[f] = static_cast<std::uint32_t>(kept.size());
        kept.push_back(std::move(keys[f]));
      }
    }
    keys = std::move(kept);
    for (auto& fs : feats) {
      std::size_t w = 0;
      for (const std::uint32_t f : fs) {
        if (remap[f] != UINT32_MAX) fs[w++] = remap[f];
      }
      fs.resize(w);
    }
  }
  const std::size_t n = keys.size();
  std::vector<Example> report, category, tier, urgent;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const LabelledRow& row = rows[r];
    const double v = value[r];
    report.push_back({feats[r], row.report ? 1 : 0, 1.0, v});
    if (!row.report) continue;
    urgent.push_back(
        {feats[r], row.urgent ? 1 : 0, row.urgent ? options.urgent_positive_weight : 1.0, v});
    const auto c = std::find(category_codes.begin(), category_codes.end(), row.category);
    if (c != category_codes.end()) {
      category.push_back({feats[r], static_cast<int>(c - category_codes.begin()), 1.0, v});
    }
    for (std::size_t t = 0; t < kTierCodes.size(); ++t) {
      if (row.tier == kTierCodes[t]) tier.push_back({feats[r], static_cast<int>(t), 1.0, v});
    }
  }
  const auto nc = category_codes.size();
  const std::vector<double> wr = fit(report, n, 2, options);
  const std::vector<double> wu = fit(urgent, n, 2, options);
  const std::vector<double> wt = fit(tier, n, 4, options);
  const std::vector<double> wc = fit(category, n, static_cast<int>(nc), options);

  ModelData out;
  out.categories = category_codes;
  out.blend = options.blend;
  const auto q = [](double v) { return static_cast<std::int32_t>(std::lround(v * kWeightScale)); };
  std::map<std::string, std::vector<std::int32_t>> sorted;
  for (std::size_t f = 0; f < n; ++f) {
    std::vector<double> row(kColCategory + nc);
    row[kColReport] = wr[f * 2 + 1] - wr[f * 2];
    row[kColUrgent] = wu[f * 2 + 1] - wu[f * 2];
    for (std::size_t t = 0; t < 4; ++t) row[kColTier + t] = wt[f * 4 + t];
    for (std::size_t k = 0; k < nc; ++k) row[kColCategory + k] = wc[f * nc + k];
    double top = 0;
    for (const double v : row) top = std::max(top, std::fabs(v));
    std::vector<std::int32_t> ints;
    for (const double v : row) ints.push_back(std::fabs(v) < options.min_weight ? 0 : q(v));
    if (f == 0) {
      out.bias = std::move(ints);
    } else if (top >= options.min_weight) {
      sorted.emplace(keys[f], std::move(ints));
    }
  }
  out.ngrams.assign(sorted.begin(), sorted.end());
  return out;
}

bool train_fitting(const std::vector<LabelledRow>& rows, const Rules& rules, TrainOptions options,
                   ModelData& out, std::shared_ptr<const NgramModel>* compiled,
                   const std::function<void(double)>& on_prune) {
  std::vector<std::string> codes;
  for (const auto& c : rules.categories) codes.push_back(c.code);
  for (int attempt = 0; attempt <= 20; ++attempt) {
    if (attempt > 0) {
      options.min_weight *= 1.5;
      if (on_prune) on_prune(options.min_weight);
    }
    ModelData data = train_model(rows, codes, options);
    auto model = build_model(data, rules.categories, nullptr);
    if (model != nullptr && model->rows.size() - 1 <= options.max_ngrams) {
      if (compiled != nullptr) *compiled = std::move(model);
      out = std::move(data);
      return true;
    }
  }
  out = {};
  return false;
}

}  // namespace gridbot::rules
