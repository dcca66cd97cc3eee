// rules_bench: messages per second through classify() on one core, with a same-run baseline.
// Usage: rules_bench [iterations] [corpus.tsv] [rules-dir]  (Release: docs/conventions.md "Builds")
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "rules/classifier.hpp"
#include "rules/rules.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> load_texts(const std::string& path) {
  std::vector<std::string> texts;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t a = line.find('\t');
    const std::size_t b = line.find('\t', a + 1);
    if (a != std::string::npos && b != std::string::npos)
      texts.push_back(line.substr(a + 1, b - a - 1));
  }
  return texts;
}

// Keeps the optimiser from dropping work whose result is otherwise unused.
volatile std::size_t g_sink = 0;

template <class F>
double seconds(F&& f) {
  const auto start = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 5000;
  const std::string corpus =
      argc > 2 ? argv[2] : std::string(GRIDBOT_SOURCE_DIR) + "/tests/data/messages.tsv";
  std::string error;
  const std::string dir = argc > 3 ? argv[3] : std::string(GRIDBOT_SOURCE_DIR) + "/rules";
  const auto rules = gridbot::rules::load_rules(dir, &error);
  if (!rules) {
    std::cerr << error;
    return 1;
  }
  const auto texts = load_texts(corpus);
  if (texts.empty()) {
    std::cerr << corpus << ": no messages\n";
    return 1;
  }
  std::size_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  // The machine is shared and its speed drifts between seconds, so the loop runs as kRounds
  // rounds; each round times the baseline and then classify() on iterations / kRounds passes,
  // and the figures are the median round (with the slowest and fastest beside it).
  constexpr int kRounds = 5;
  const int per_round = std::max(1, iterations / kRounds);
  const double messages = static_cast<double>(texts.size()) * per_round;

  std::vector<double> base_s, classify_s;
  for (int round = 0; round < kRounds; ++round) {
    // Baseline: the cheapest pass that still reads every message, a single-keyword find per
    // message (what a one-keyword filter would cost), measured in the same run on the same texts.
    base_s.push_back(seconds([&] {
      std::size_t hits = 0;
      for (int i = 0; i < per_round; ++i) {
        for (const auto& t : texts)
          hits += std::string_view(t).find("停水") != std::string_view::npos;
      }
      g_sink = g_sink + hits;
    }));
    classify_s.push_back(seconds([&] {
      std::size_t reports = 0;
      for (int i = 0; i < per_round; ++i) {
        for (const auto& t : texts) reports += gridbot::rules::classify(*rules, t).is_report;
      }
      g_sink = g_sink + reports;
    }));
  }
  std::vector<double> ratio(kRounds);
  for (int r = 0; r < kRounds; ++r) ratio[r] = classify_s[r] / base_s[r];
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double classify_med = median(classify_s);
  const double fastest = *std::min_element(classify_s.begin(), classify_s.end());
  const double slowest = *std::max_element(classify_s.begin(), classify_s.end());

  std::printf("corpus      %zu messages, %.1f bytes/message, %d rounds x %d iterations\n",
              texts.size(), static_cast<double>(bytes) / static_cast<double>(texts.size()), kRounds,
              per_round);
  std::printf("automaton   %zu states x %zu character classes, tables %zu KB\n",
              rules->automaton.state_count(), rules->automaton.class_count(),
              rules->automaton.table_bytes() / 1024);
  if (rules->model) {
    std::printf("model       %zu n-grams with their suffixes\n", rules->model->rows.size() - 1);
  }
  std::printf("classify    %.0f messages/s  (%.0f ns/message; median of %d rounds, %.0f-%.0f)\n",
              messages / classify_med, classify_med / messages * 1e9, kRounds, messages / slowest,
              messages / fastest);
  std::printf("baseline    %.0f messages/s  (string_view::find of one keyword, median round)\n",
              messages / median(base_s));
  std::printf("ratio       classify costs %.1fx the one-keyword find (median of the rounds)\n",
              median(ratio));
  std::printf("goal        >= 1000000 messages/s: %s\n",
              messages / classify_med >= 1e6 ? "met" : "NOT met");
  return 0;
}
