#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "pipeline/article.h"
#include "pipeline/article_decoder.h"
#include "pipeline/article_encoder.h"
#include "pipeline/chain.h"
#include "pipeline/failure.h"
#include "pipeline/input_record.h"
#include "pipeline/metrics.h"

namespace newsflow {

enum class outcome {
  published,  // `output` goes to `route` ("" = main output)
  dropped,    // a processor dropped it on purpose; nothing to publish
  rejected,   // bad input or a processor failure: goes to the dead-letter output
};

// What the runner hands the sink for one input, in input order.
struct result_view {
  uint64_t sequence;
  outcome kind;
  const input_record& record;
  std::string_view output;  // the encoded article when published
  std::string_view route;
  const failure* error;     // set when rejected
};

// Where results go (a JSON Lines file, Kafka topics). Called from one runner thread, in the
// order inputs were submitted; views are valid for the duration of the call.
class record_sink {
 public:
  virtual ~record_sink() = default;
  virtual void deliver(const result_view& result) = 0;
  // Called when everything finished so far has been delivered and the next result is not
  // ready yet: a moment to flush buffered output, so a slow live feed is not held back.
  virtual void idle() {}
};

struct runner_options {
  unsigned workers = 2;
  // Inputs submitted but not yet delivered; bounds memory. 0 = 64 per worker.
  size_t max_in_flight = 0;
  // Bytes of those inputs; acquire() waits while they add up to this much (one input is
  // always let in, however large), so a run of big messages cannot fill every slot.
  size_t max_in_flight_bytes = size_t{64} << 20;
  // A slot's buffers keep their capacity from one input to the next (no allocation on the hot
  // path), but a buffer grown beyond this by one big message is freed when the slot is, or
  // every slot would end up holding the largest message ever seen.
  size_t retain_buffer_bytes = size_t{64} << 10;
};

struct runner_totals {
  uint64_t submitted = 0;
  uint64_t published = 0;
  uint64_t dropped = 0;
  uint64_t rejected = 0;
  uint64_t bytes_in = 0;
};

// Runs decode → chain → encode on worker threads and delivers results to the sink in
// submission order, whatever the number of workers. Input-order stages of the chain see
// articles one at a time in submission order. Batch and streaming modes both feed articles
// through this class, so they share one code path.
//
// Producer side (one thread): acquire() a record, fill it, submit(). acquire() waits while
// max_in_flight inputs are in the runner: that is the backpressure.
class runner {
 public:
  runner(chain& c, decoder_options decode, encoder_options encode, record_sink& sink,
         metrics_registry& metrics, runner_options options);
  ~runner();
  runner(const runner&) = delete;
  runner& operator=(const runner&) = delete;

  // A cleared record to fill, or nullptr if none became free within `wait`.
  input_record* acquire(std::chrono::milliseconds wait);
  // Hands the record from the last acquire() to the workers.
  void submit();
  // Gives the record from the last acquire() back unused (the source had nothing).
  void cancel_acquire();
  // No more input: waits until every submitted record is delivered, then stops the threads.
  void finish();

  // Inputs submitted and not yet delivered.
  size_t in_flight() const;
  // True when inputs and their bytes are both at most `share` of their limits (a paused
  // source resumes then).
  bool at_most(double share) const;
  runner_totals totals() const;

 private:
  struct slot;
  class ordered_gate;

  void work(unsigned worker_index);
  void process(slot& s, uint64_t sequence, article_decoder& decoder);
  void deliver_loop();

  chain& chain_;
  decoder_options decode_options_;
  article_encoder encoder_;
  record_sink& sink_;
  runner_options options_;

  std::vector<std::unique_ptr<slot>> ring_;
  std::vector<std::unique_ptr<ordered_gate>> gates_;  // one per chain stage

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable result_ready_;
  std::condition_variable slot_free_;
  uint64_t next_acquire_ = 0;  // sequence number of the next record submitted
  uint64_t next_claim_ = 0;    // next sequence a worker takes
  uint64_t next_deliver_ = 0;  // next sequence handed to the sink
  size_t in_flight_bytes_ = 0;  // input bytes submitted and not yet delivered
  bool acquired_ = false;
  bool finishing_ = false;
  runner_totals totals_;

  counter& articles_in_;
  counter& bytes_in_;
  counter& published_;
  counter& dropped_;
  histogram& article_latency_;
  metrics_registry& metrics_;

  std::vector<std::thread> workers_;
  std::thread deliverer_;
};

}  // namespace newsflow
