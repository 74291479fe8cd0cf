#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/processor.h"
#include "pipeline/processor_registry.h"

namespace newsflow::testing {

// Parallel: upper-cases the body, sleeping a little at random so workers finish out of order.
class upper_processor final : public processor {
 public:
  std::string_view name() const override { return "upper"; }
  process_result process(article& a) override {
    if (a.body.size() % 3 == 0) std::this_thread::sleep_for(std::chrono::microseconds(50));
    for (char& c : a.body)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    a.enrichment_member("upper").string(a.body);
    return verdict::next;
  }
};

// Input order: numbers articles as it sees them (like dedup deciding "first copy").
class counter_processor final : public processor {
 public:
  std::string_view name() const override { return "count"; }
  ordering order() const override { return ordering::input_order; }
  process_result process(article& a) override {
    a.enrichment_member("n").number(static_cast<uint64_t>(seen_++));
    return verdict::next;
  }

 private:
  uint64_t seen_ = 0;  // no lock: the runner calls it one article at a time
};

// Fails articles whose body contains "fail", drops those containing "drop".
class judge_processor final : public processor {
 public:
  std::string_view name() const override { return "judge"; }
  process_result process(article& a) override {
    if (a.body.find("FAIL") != std::string::npos)
      return std::unexpected(failure{"judge.refused", "the body asked for it", ""});
    if (a.body.find("DROP") != std::string::npos) return verdict::drop;
    return verdict::next;
  }
};

// Input order in two steps (like dedup with a remote store): begin() takes a number, in
// input order; process() must get the same articles in the same order, and writes the
// number (or "mismatch" if the steps disagree).
class split_counter_processor final : public processor {
 public:
  std::string_view name() const override { return "split"; }
  ordering order() const override { return ordering::input_order; }
  bool split_in_order() const override { return true; }
  void begin(article& a) override {
    std::lock_guard lock(mutex_);
    begun_.push_back({a.body, begun_count_++});
  }
  process_result process(article& a) override {
    std::pair<std::string, uint64_t> first;
    {
      std::lock_guard lock(mutex_);
      if (begun_.empty() || begun_.front().first != a.body) {
        a.enrichment_member("n").string("mismatch");
        return verdict::next;
      }
      first = begun_.front();
      begun_.pop_front();
    }
    a.enrichment_member("n").number(first.second);
    return verdict::next;
  }

 private:
  std::mutex mutex_;  // begin() and process() run in different threads
  std::deque<std::pair<std::string, uint64_t>> begun_;
  uint64_t begun_count_ = 0;
};

}  // namespace newsflow::testing
