#include "base/common/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace gridbot::metrics {
namespace {

// A label value escaped as the format wants: backslash, double quote and newline.
std::string escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += {'\\', c};
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string label_text(const Labels& labels, std::string_view extra_key = {},
                       std::string_view extra_value = {}) {
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : ",") + k + "=\"" + escape(v) + "\"";
  if (!extra_key.empty())
    out +=
        (out.empty() ? "" : ",") + std::string(extra_key) + "=\"" + std::string(extra_value) + "\"";
  return out.empty() ? out : "{" + out + "}";
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// "{a="1"}" + the le label of a bucket: the bucket's label set.
std::string with_le(const std::string& labels, const std::string& le) {
  if (labels.empty()) return "{le=\"" + le + "\"}";
  return labels.substr(0, labels.size() - 1) + ",le=\"" + le + "\"}";
}

}  // namespace

void Registry::counter(std::string name, std::string help) {
  std::lock_guard lk(mu_);
  families_[std::move(name)] = Family{"counter", std::move(help), {}, {}};
}

void Registry::gauge(std::string name, std::string help) {
  std::lock_guard lk(mu_);
  families_[std::move(name)] = Family{"gauge", std::move(help), {}, {}};
}

void Registry::histogram(std::string name, std::string help, std::vector<double> bounds) {
  std::lock_guard lk(mu_);
  families_[std::move(name)] = Family{"histogram", std::move(help), std::move(bounds), {}};
}

Registry::Family* Registry::find(std::string_view name) {
  auto it = families_.find(name);
  return it == families_.end() ? nullptr : &it->second;
}

void Registry::inc(std::string_view name, const Labels& labels, double by) {
  std::lock_guard lk(mu_);
  if (Family* f = find(name)) f->series[label_text(labels)].value += by;
}

void Registry::set(std::string_view name, const Labels& labels, double value) {
  std::lock_guard lk(mu_);
  if (Family* f = find(name)) f->series[label_text(labels)].value = value;
}

void Registry::observe(std::string_view name, double value, const Labels& labels) {
  std::lock_guard lk(mu_);
  Family* f = find(name);
  if (f == nullptr) return;
  Series& s = f->series[label_text(labels)];
  if (s.buckets.empty()) s.buckets.assign(f->bounds.size(), 0);
  for (size_t i = 0; i < f->bounds.size(); ++i)
    if (value <= f->bounds[i]) ++s.buckets[i];
  s.sum += value;
  s.value += 1;  // the count
}

std::string Registry::render() {
  std::lock_guard lk(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, s] : f.series) {
      if (f.type != "histogram") {
        out += name + labels + " " + number(s.value) + "\n";
        continue;
      }
      for (size_t i = 0; i < f.bounds.size(); ++i)
        out += name + "_bucket" + with_le(labels, number(f.bounds[i])) + " " +
               std::to_string(s.buckets[i]) + "\n";
      out += name + "_bucket" + with_le(labels, "+Inf") + " " + number(s.value) + "\n";
      out += name + "_sum" + labels + " " + number(s.sum) + "\n";
      out += name + "_count" + labels + " " + number(s.value) + "\n";
    }
  }
  return out;
}

Registry& global() {
  static Registry* r = [] {
    auto* reg = new Registry;
    reg->counter("gridbot_http_requests_total", "HTTP requests answered, by route and status.");
    reg->counter("gridbot_inbound_messages_total",
                 "Inbound messages by channel and result (accepted, duplicate, or why rejected).");
    reg->counter("gridbot_inbound_processed_total",
                 "Committed inbound messages by the state processing gave them.");
    reg->counter("gridbot_tickets_opened_total", "Tickets opened from residents' reports.");
    reg->counter("gridbot_tickets_merged_total", "Reports merged into an open ticket.");
    reg->histogram("gridbot_store_commit_seconds",
                   "Time of one group commit: its work and the WAL write (its fsync apart).",
                   {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
    reg->histogram("gridbot_store_sync_seconds",
                   "Time of one WAL fsync, shared by the commits made while the last one ran.",
                   {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1});
    reg->histogram("gridbot_store_checkpoint_seconds",
                   "Time of one WAL checkpoint pass, by the thread that ran it (checkpointer; "
                   "writer: the tail the checkpointer left, or a WAL a reader held too long).",
                   {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1});
    reg->histogram("gridbot_store_commit_batch_size", "Work items in one group commit.",
                   {1, 2, 4, 8, 16, 32, 64, 128, 256, 512});
    reg->counter("gridbot_store_read_timeouts_total",
                 "Reads stopped at the store's time limit per read.");
    reg->counter("gridbot_outbox_sends_total",
                 "Send attempts by channel and result (delivered, retry, throttled, failed, "
                 "disabled, awaiting, superseded).");
    reg->gauge("gridbot_outbox_depth", "Outbox rows waiting to be sent, by channel.");
    reg->gauge("gridbot_outbox_oldest_pending_seconds",
               "Age of the oldest row waiting to be sent, by channel.");
    reg->counter("gridbot_deadlines_fired_total", "Deadline rows fired (warnings, misses, jobs).");
    reg->gauge("gridbot_incidents_open", "Incidents not yet restored or closed.");
    reg->counter("gridbot_rules_reloads_total", "SIGHUP reloads of rules/, by result.");
    return reg;
  }();
  return *r;
}

}  // namespace gridbot::metrics
