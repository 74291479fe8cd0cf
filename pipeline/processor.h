#pragma once

#include <expected>
#include <string_view>

#include "pipeline/article.h"
#include "pipeline/failure.h"

namespace newsflow {

// Whether a processor may see articles concurrently and in any order, or needs them one at a
// time in input order (stateful processors such as dedup: first copy seen = original).
enum class ordering { any, input_order };

// What the chain does with the article after a processor returns.
enum class verdict {
  next,  // go on to the next processor
  drop,  // stop here and publish nothing (the input still counts as handled)
};

using process_result = std::expected<verdict, failure>;

// One step of the chain. Built once from validated options (models and tables loaded then);
// process() touches only prepared state and the article. With ordering::any, process() is
// called from several worker threads at once and must be thread-safe; with
// ordering::input_order it is called by one thread at a time, in input order.
// process() never throws: bad input is reported as a failure with a reason code.
class processor {
 public:
  virtual ~processor() = default;
  virtual std::string_view name() const = 0;
  virtual ordering order() const { return ordering::any; }
  virtual process_result process(article& a) = 0;

  // ordering::input_order only: true if the work is split in two steps, each called in input
  // order — begin(), then process() — so that later articles' begin() may run before this
  // one's process() (e.g. requests to a remote store on their way while an earlier article is
  // decided). The chain gives the processor two stages. begin() cannot fail: problems are
  // reported by process(), which the chain calls for every article it called begin() for.
  virtual bool split_in_order() const { return false; }
  virtual void begin(article& a) { (void)a; }
};

}  // namespace newsflow
