#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "connectors/kafka/kafka_options.h"
#include "connectors/kafka/offset_tracker.h"
#include "pipeline/metrics.h"
#include "pipeline/runner.h"

namespace newsflow {

// Publishes the runner's results: enriched articles to the output topic (or the duplicates
// topic when a processor routed them there), rejected inputs to the dead-letter topic with
// their original bytes and the reason in headers. Key and headers of the input are carried
// over. Each produced message carries its input's (partition, offset) so the delivery report
// can mark the input handled in the offset tracker, which then stores the new watermark for
// the consumer's auto-commit. Dropped articles are handled at once.
class kafka_sink final : public record_sink {
 public:
  kafka_sink(rd_kafka_t* producer, rd_kafka_t* consumer, const kafka_options& options,
             offset_tracker& tracker, metrics_registry& metrics);

  void deliver(const result_view& result) override;

  // Delivery report callback body (called on the thread polling the producer).
  void on_delivery(const rd_kafka_message_t* message);

  // From now on a produce that cannot be queued (local queue full) gives up at `deadline`
  // instead of retrying forever: used during shutdown.
  void set_deadline(std::chrono::steady_clock::time_point deadline);

  // Set when an output could not be published for good (the input's offset is then never
  // committed, so it is consumed again after a restart): the job stops.
  bool failed() const { return failed_.load(); }
  const std::string& failure_reason() const { return failure_reason_; }

  // The partitioner: output partition = input partition (mod partition count). The topic
  // opaque is the offset_tracker, which knows each input's partition number.
  static int32_t same_as_input_partitioner(const rd_kafka_topic_t* topic, const void* key,
                                           size_t key_len, int32_t partition_count,
                                           void* topic_opaque, void* message_opaque);

 private:
  bool produce(const std::string& topic, const input_record& record, std::string_view value,
               const failure* error, uint64_t token);
  void handled(offset_tracker::partition_id id, int64_t offset);
  void fail(std::string reason);

  rd_kafka_t* producer_;
  rd_kafka_t* consumer_;
  const kafka_options& options_;
  offset_tracker& tracker_;
  std::atomic<int64_t> deadline_ns_{0};  // 0: no deadline
  std::atomic<bool> failed_{false};
  std::string failure_reason_;

  counter& produced_;
  counter& dead_lettered_;
  counter& delivery_errors_;
};

}  // namespace newsflow
