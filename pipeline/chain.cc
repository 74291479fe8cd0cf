#include "pipeline/chain.h"

#include <chrono>

namespace newsflow {
namespace {

uint32_t elapsed_us(std::chrono::steady_clock::time_point start) {
  return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - start)
                                   .count());
}

}  // namespace

chain::chain(std::vector<std::unique_ptr<processor>> processors, metrics_registry& metrics)
    : processors_(std::move(processors)) {
  for (size_t i = 0; i < processors_.size(); ++i) {
    const metric_labels labels = {{"processor", std::string(processors_[i]->name())}};
    metrics_.push_back(step_metrics{
        &metrics.get_histogram("newsflow_processor_duration_seconds",
                               "Time one processor spent on one article.", labels),
        &metrics.get_counter("newsflow_processor_failures_total",
                             "Articles a processor rejected (sent to the dead-letter output).",
                             labels),
        &metrics.get_counter("newsflow_processor_drops_total",
                             "Articles a processor dropped on purpose (e.g. duplicates).", labels),
    });
    const bool in_order = processors_[i]->order() == ordering::input_order;
    if (in_order && processors_[i]->split_in_order())
      stages_.push_back(stage{i, i + 1, true, true});
    if (in_order || stages_.empty() || stages_.back().in_order) {
      stages_.push_back(stage{i, i + 1, in_order});
    } else {
      stages_.back().end = i + 1;
    }
  }
}

process_result chain::run_stage(size_t s, article& a) {
  const stage& st = stages_[s];
  if (st.begin_step) {
    // Timed with the process() step that follows: one timing per processor.
    const auto start = std::chrono::steady_clock::now();
    processors_[st.begin]->begin(a);
    a.timings.push_back(step_timing{processors_[st.begin]->name(), elapsed_us(start)});
    return verdict::next;
  }
  for (size_t i = st.begin; i < st.end; ++i) {
    processor& p = *processors_[i];
    const auto start = std::chrono::steady_clock::now();
    process_result result = p.process(a);
    uint32_t micros = elapsed_us(start);
    if (s > 0 && stages_[s - 1].begin_step) {
      // The begin() step's timing, just pushed, becomes part of this one.
      micros += a.timings.back().micros;
      a.timings.pop_back();
    }
    a.timings.push_back(step_timing{p.name(), micros});
    metrics_[i].latency->observe_us(micros);
    if (!result) {
      metrics_[i].failures->inc();
      if (result.error().processor.empty()) result.error().processor = std::string(p.name());
      return result;
    }
    if (*result == verdict::drop) {
      metrics_[i].drops->inc();
      return result;
    }
  }
  return verdict::next;
}

}  // namespace newsflow
