#pragma once

#include <atomic>
#include <chrono>
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

}  // namespace newsflow::testing
