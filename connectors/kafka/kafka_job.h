#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <thread>

#include "connectors/kafka/kafka_options.h"
#include "connectors/kafka/kafka_sink.h"
#include "connectors/kafka/kafka_statistics.h"
#include "connectors/kafka/offset_tracker.h"
#include "pipeline/chain.h"
#include "pipeline/config.h"
#include "pipeline/metrics.h"
#include "pipeline/runner.h"

namespace newsflow {

// The streaming daemon's loop: a consumer in a consumer group feeds the runner, the
// kafka_sink publishes results, and offsets are committed only up to the lowest input whose
// outputs are all acknowledged (at-least-once). When the runner is full the assigned
// partitions are paused (while still polling, so the group membership stays alive) and
// resumed once it has drained. On a revoke, the revoked partitions' work is drained (bounded
// by revoke_timeout_ms) and committed before they are given up.
class kafka_job {
 public:
  // Creates the clients; on failure returns nullptr with `error` set.
  static std::unique_ptr<kafka_job> create(const kafka_options& kafka, const pipeline_config& pipeline,
                                           chain& c, metrics_registry& metrics, std::string& error);
  ~kafka_job();

  // Runs until `stop` is set (then drains, flushes, commits and leaves the group within
  // shutdown_timeout_ms) or a publish fails for good. Returns true for a clean stop.
  bool run(const std::atomic<bool>& stop);

  // Why this instance should not be sent traffic yet (/readyz), or "" when ready: it has its
  // partition assignment from the group (maybe empty: more instances than partitions), its
  // consumer reaches a broker, and it is not stopping. Any thread.
  std::string not_ready_reason() const;
  // Turns of the main loop so far (at least one every 100 ms while it runs): a watchdog that
  // sees it stand still knows the loop is stuck. Any thread.
  uint64_t loop_turns() const { return loop_turns_.load(std::memory_order_relaxed); }

 private:
  kafka_job(const kafka_options& kafka, metrics_registry& metrics);

  static void rebalance_callback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                 rd_kafka_topic_partition_list_t* partitions, void* opaque);
  static void delivery_callback(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  static void log_callback(const rd_kafka_t* rk, int level, const char* facility, const char* message);
  static void error_callback(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  static int statistics_callback(rd_kafka_t* rk, char* json, size_t json_len, void* opaque);

  void on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
  void on_assign(rd_kafka_topic_partition_list_t* partitions);
  void on_revoke(rd_kafka_topic_partition_list_t* partitions);
  void submit_pending();
  void set_paused(bool paused);
  void count_paused();
  void poll_producer();
  void await_first_assignment(std::chrono::steady_clock::time_point deadline);
  bool shut_down(std::chrono::steady_clock::time_point deadline);

  kafka_options options_;
  offset_tracker tracker_;
  rd_kafka_t* consumer_ = nullptr;
  rd_kafka_t* producer_ = nullptr;
  std::unique_ptr<kafka_sink> sink_;
  std::unique_ptr<runner> runner_;
  size_t max_pending_ = 0;  // consumed while the runner is full: beyond this, pause the input

  std::deque<rd_kafka_message_t*> pending_;  // consumed, waiting for room in the runner
  bool paused_ = false;
  std::atomic<bool> closing_{false};
  std::atomic<bool> assigned_once_{false};  // the group has handed this member an assignment (maybe empty)
  std::atomic<uint64_t> loop_turns_{0};
  std::atomic<bool> fatal_{false};  // a client reported a fatal error
  std::atomic<bool> stop_producer_poll_{false};
  std::thread producer_poller_;

  counter& pauses_;
  counter& rebalances_;
  gauge& assigned_;
  gauge& paused_partitions_;
  gauge& queued_in_pipeline_;
  gauge& queued_waiting_;
  kafka_statistics statistics_;
};

}  // namespace newsflow
