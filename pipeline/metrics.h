#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsflow {

using metric_labels = std::vector<std::pair<std::string, std::string>>;

class counter {
 public:
  void inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class gauge {
 public:
  void set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Latency histogram with fixed buckets from 1 µs to 10 s, exposed in seconds.
class histogram {
 public:
  static constexpr std::array<uint64_t, 22> bounds_us = {
      1,     2,     5,      10,     25,     50,      100,     250,     500,     1000,     2500,
      5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};

  void observe_us(uint64_t us);
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  uint64_t sum_us() const { return sum_us_.load(std::memory_order_relaxed); }
  // Cumulative count of observations <= bounds_us[i]; i == bounds_us.size() counts all.
  uint64_t cumulative(size_t i) const;

 private:
  // One bucket per bound plus one for observations above the last bound.
  std::array<std::atomic<uint64_t>, bounds_us.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_us_{0};
};

// Every metric of the process, by name and labels. Components declare their metrics once at
// start-up and keep the returned reference (stable for the registry's lifetime); updating a
// metric is one relaxed atomic operation. Rendered in the Prometheus text format.
class metrics_registry {
 public:
  counter& get_counter(std::string_view name, std::string_view help, const metric_labels& labels = {});
  gauge& get_gauge(std::string_view name, std::string_view help, const metric_labels& labels = {});
  histogram& get_histogram(std::string_view name, std::string_view help,
                           const metric_labels& labels = {});

  // Replaces every series of a gauge family at once: for sets that change as a whole, such
  // as a consumer's lag per assigned partition (a partition given away disappears). Such a
  // family is only ever written this way, never through get_gauge().
  void set_gauge_family(std::string_view name, std::string_view help,
                        const std::vector<std::pair<metric_labels, int64_t>>& series);

  std::string render_prometheus() const;

 private:
  enum class kind { counter, gauge, histogram };
  struct family {
    kind type;
    std::string help;
    // Keyed by the rendered label set ({a="1",b="2"}), so output order is stable.
    std::map<std::string, std::unique_ptr<counter>> counters;
    std::map<std::string, std::unique_ptr<gauge>> gauges;
    std::map<std::string, std::unique_ptr<histogram>> histograms;
  };
  family& family_for(std::string_view name, std::string_view help, kind type);

  mutable std::mutex mutex_;
  std::map<std::string, family, std::less<>> families_;
};

}  // namespace newsflow
