#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/metrics.h"
#include "pipeline/processor.h"

namespace newsflow {

// The processors an article goes through, in order, grouped into stages: a run of
// ordering::any processors forms one parallel stage; each ordering::input_order processor
// is a stage of its own, which the runner enters in input order (two consecutive stages,
// begin() then process(), for one that is split_in_order). The chain owns iteration:
// a processor never calls the next one.
class chain {
 public:
  struct stage {
    size_t begin;
    size_t end;
    bool in_order;
    bool begin_step = false;  // the begin() step of a split_in_order processor
  };

  chain(std::vector<std::unique_ptr<processor>> processors, metrics_registry& metrics);

  const std::vector<stage>& stages() const { return stages_; }
  size_t size() const { return processors_.size(); }
  const processor& at(size_t i) const { return *processors_[i]; }

  // Runs the processors of stage `s` on `a`, recording each one's time in the article and in
  // the metrics. Stops at the first drop or failure (failure.processor names the step).
  process_result run_stage(size_t s, article& a);

 private:
  struct step_metrics {
    histogram* latency;
    counter* failures;
    counter* drops;
  };

  std::vector<std::unique_ptr<processor>> processors_;
  std::vector<step_metrics> metrics_;
  std::vector<stage> stages_;
};

}  // namespace newsflow
