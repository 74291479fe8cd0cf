#include "pipeline/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace newsflow {
namespace {

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string render_labels(const metric_labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first;
    out += "=\"";
    out += escape_label_value(labels[i].second);
    out += '"';
  }
  out += '}';
  return out;
}

// Adds one more label to an already rendered label set.
std::string with_label(const std::string& rendered, std::string_view name, std::string_view value) {
  std::string extra = fmt::format("{}=\"{}\"", name, value);
  if (rendered.empty()) return "{" + extra + "}";
  return rendered.substr(0, rendered.size() - 1) + "," + extra + "}";
}

std::string seconds(uint64_t us) {
  return fmt::format("{}", static_cast<double>(us) / 1e6);
}

}  // namespace

void histogram::observe_us(uint64_t us) {
  auto it = std::lower_bound(bounds_us.begin(), bounds_us.end(), us);
  buckets_[static_cast<size_t>(it - bounds_us.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(us, std::memory_order_relaxed);
}

uint64_t histogram::cumulative(size_t i) const {
  uint64_t total = 0;
  for (size_t b = 0; b <= i && b < buckets_.size(); ++b)
    total += buckets_[b].load(std::memory_order_relaxed);
  return total;
}

metrics_registry::family& metrics_registry::family_for(std::string_view name, std::string_view help,
                                                        kind type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), family{type, std::string(help), {}, {}, {}}).first;
  } else if (it->second.type != type) {
    // Two components disagreeing on a metric's type is a programming error.
    throw std::logic_error(fmt::format("metric {} registered with two types", name));
  }
  return it->second;
}

counter& metrics_registry::get_counter(std::string_view name, std::string_view help,
                                       const metric_labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family_for(name, help, kind::counter).counters[render_labels(labels)];
  if (!slot) slot = std::make_unique<counter>();
  return *slot;
}

gauge& metrics_registry::get_gauge(std::string_view name, std::string_view help,
                                   const metric_labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family_for(name, help, kind::gauge).gauges[render_labels(labels)];
  if (!slot) slot = std::make_unique<gauge>();
  return *slot;
}

histogram& metrics_registry::get_histogram(std::string_view name, std::string_view help,
                                           const metric_labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family_for(name, help, kind::histogram).histograms[render_labels(labels)];
  if (!slot) slot = std::make_unique<histogram>();
  return *slot;
}

void metrics_registry::set_gauge_family(std::string_view name, std::string_view help,
                                        const std::vector<std::pair<metric_labels, int64_t>>& series) {
  std::lock_guard lock(mutex_);
  auto& gauges = family_for(name, help, kind::gauge).gauges;
  gauges.clear();
  for (const auto& [labels, value] : series) {
    auto& slot = gauges[render_labels(labels)];
    slot = std::make_unique<gauge>();
    slot->set(value);
  }
}

std::string metrics_registry::render_prometheus() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, fam] : families_) {
    const char* type = fam.type == kind::counter ? "counter"
                       : fam.type == kind::gauge ? "gauge"
                                                 : "histogram";
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, fam.help, name, type);
    for (const auto& [labels, c] : fam.counters) out += fmt::format("{}{} {}\n", name, labels, c->value());
    for (const auto& [labels, g] : fam.gauges) out += fmt::format("{}{} {}\n", name, labels, g->value());
    for (const auto& [labels, h] : fam.histograms) {
      for (size_t i = 0; i < histogram::bounds_us.size(); ++i)
        out += fmt::format("{}_bucket{} {}\n", name,
                           with_label(labels, "le", seconds(histogram::bounds_us[i])), h->cumulative(i));
      // _count is the +Inf bucket as read here: a scrape during an observation must not see
      // the two disagree.
      const uint64_t all = h->cumulative(histogram::bounds_us.size());
      out += fmt::format("{}_bucket{} {}\n", name, with_label(labels, "le", "+Inf"), all);
      out += fmt::format("{}_sum{} {}\n", name, labels, seconds(h->sum_us()));
      out += fmt::format("{}_count{} {}\n", name, labels, all);
    }
  }
  return out;
}

}  // namespace newsflow
