#include "connectors/kafka/kafka_job.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <set>

#include "connectors/kafka/delivery_token.h"
#include "connectors/kafka/kafka_config.h"

namespace newsflow {
namespace {

using clock = std::chrono::steady_clock;

std::string describe(const rd_kafka_topic_partition_list_t* list) {
  std::string out;
  for (int i = 0; i < list->cnt; ++i)
    out += fmt::format("{}{}[{}]", i ? " " : "", list->elems[i].topic, list->elems[i].partition);
  return out.empty() ? "none" : out;
}

// A callback must never let an exception reach librdkafka's C code: log and stop loudly.
template <typename F>
void guarded(const char* where, F&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    spdlog::critical("{}: {}", where, e.what());
    std::abort();
  } catch (...) {
    spdlog::critical("{}: unknown exception", where);
    std::abort();
  }
}

}  // namespace

kafka_job::kafka_job(const kafka_options& kafka, metrics_registry& metrics)
    : options_(kafka),
      pauses_(metrics.get_counter("newsflow_kafka_pauses_total",
                                  "Times the input partitions were paused because the runner was full.")),
      rebalances_(metrics.get_counter("newsflow_kafka_rebalances_total", "Consumer group rebalances seen.")),
      assigned_(metrics.get_gauge("newsflow_kafka_assigned_partitions", "Input partitions assigned now.")),
      paused_partitions_(metrics.get_gauge("newsflow_kafka_paused_partitions",
                                           "Input partitions paused now because the pipeline is full.")),
      queued_in_pipeline_(metrics.get_gauge("newsflow_queue_depth",
                                            "Inputs queued, by queue: in the pipeline (submitted, not yet "
                                            "published and acknowledged) or consumed and waiting for room in it.",
                                            {{"queue", "pipeline"}})),
      queued_waiting_(metrics.get_gauge("newsflow_queue_depth",
                                        "Inputs queued, by queue: in the pipeline (submitted, not yet "
                                        "published and acknowledged) or consumed and waiting for room in it.",
                                        {{"queue", "waiting"}})),
      statistics_(metrics) {}

std::unique_ptr<kafka_job> kafka_job::create(const kafka_options& kafka, const pipeline_config& pipeline,
                                             chain& c, metrics_registry& metrics, std::string& error) {
  std::unique_ptr<kafka_job> job(new kafka_job(kafka, metrics));
  char errstr[512];

  rd_conf_ptr consumer_conf = make_consumer_conf(job->options_, error);
  if (!consumer_conf) return nullptr;
  rd_kafka_conf_set_opaque(consumer_conf.get(), job.get());
  rd_kafka_conf_set_rebalance_cb(consumer_conf.get(), rebalance_callback);
  rd_kafka_conf_set_log_cb(consumer_conf.get(), log_callback);
  rd_kafka_conf_set_error_cb(consumer_conf.get(), error_callback);
  rd_kafka_conf_set_stats_cb(consumer_conf.get(), statistics_callback);
  job->consumer_ = rd_kafka_new(RD_KAFKA_CONSUMER, consumer_conf.get(), errstr, sizeof errstr);
  if (!job->consumer_) {
    error = fmt::format("cannot create the Kafka consumer: {}", errstr);
    return nullptr;
  }
  consumer_conf.release();  // owned by the handle now
  rd_kafka_poll_set_consumer(job->consumer_);

  rd_conf_ptr producer_conf = make_producer_conf(job->options_, error);
  if (!producer_conf) return nullptr;
  rd_kafka_conf_set_opaque(producer_conf.get(), job.get());
  rd_kafka_conf_set_dr_msg_cb(producer_conf.get(), delivery_callback);
  rd_kafka_conf_set_log_cb(producer_conf.get(), log_callback);
  rd_kafka_conf_set_error_cb(producer_conf.get(), error_callback);
  rd_kafka_conf_set_stats_cb(producer_conf.get(), statistics_callback);
  if (job->options_.output_partitioning == "input") {
    // Modify the default topic configuration in place: replacing it would drop the
    // topic-level properties already set (message.timeout.ms, the user's ones).
    rd_kafka_topic_conf_t* topic_conf = rd_kafka_conf_get_default_topic_conf(producer_conf.get());
    if (!topic_conf) {
      topic_conf = rd_kafka_topic_conf_new();
      rd_kafka_conf_set_default_topic_conf(producer_conf.get(), topic_conf);
    }
    rd_kafka_topic_conf_set_partitioner_cb(topic_conf, kafka_sink::same_as_input_partitioner);
    rd_kafka_topic_conf_set_opaque(topic_conf, &job->tracker_);
  }
  job->producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, producer_conf.get(), errstr, sizeof errstr);
  if (!job->producer_) {
    error = fmt::format("cannot create the Kafka producer: {}", errstr);
    return nullptr;
  }
  producer_conf.release();

  job->sink_ = std::make_unique<kafka_sink>(job->producer_, job->consumer_, job->options_, job->tracker_, metrics);
  runner_options ro = pipeline.runner;
  if (ro.max_in_flight == 0) ro.max_in_flight = 64 * static_cast<size_t>(std::max(1u, ro.workers));
  job->max_pending_ = std::max<size_t>(16, ro.max_in_flight / 4);
  job->runner_ = std::make_unique<runner>(c, pipeline.input, pipeline.output, *job->sink_, metrics, ro);

  rd_kafka_topic_partition_list_t* topics =
      rd_kafka_topic_partition_list_new(static_cast<int>(job->options_.input_topics.size()));
  for (const auto& t : job->options_.input_topics)
    rd_kafka_topic_partition_list_add(topics, t.c_str(), RD_KAFKA_PARTITION_UA);
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(job->consumer_, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err) {
    error = fmt::format("cannot subscribe to {}: {}", fmt::join(job->options_.input_topics, ","),
                        rd_kafka_err2str(err));
    return nullptr;
  }
  return job;
}

kafka_job::~kafka_job() {
  if (runner_) runner_->finish();
  runner_.reset();
  stop_producer_poll_ = true;
  if (producer_poller_.joinable()) producer_poller_.join();
  for (auto* m : pending_) rd_kafka_message_destroy(m);
  pending_.clear();
  sink_.reset();
  if (consumer_) rd_kafka_destroy(consumer_);
  if (producer_) rd_kafka_destroy(producer_);
}

bool kafka_job::run(const std::atomic<bool>& stop) {
  spdlog::info("consuming {} as group '{}' from {}; output {}, dead letters {}",
               fmt::join(options_.input_topics, ","), options_.group, options_.brokers,
               options_.output_topic, options_.dead_letter_topic);
  producer_poller_ = std::thread([this] { poll_producer(); });
  auto last_poll = clock::now();
  auto last_gauges = clock::time_point{};
  while (!stop.load() && !sink_->failed() && !fatal_.load()) {
    loop_turns_.fetch_add(1, std::memory_order_relaxed);
    // Poll for the next message when there is none waiting, while paused (rebalances), and at
    // least every 100 ms while the runner is full, so rebalances are served meanwhile.
    const auto now = clock::now();
    if (pending_.empty() || paused_ || now - last_poll >= std::chrono::milliseconds(100)) {
      last_poll = now;
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_, pending_.empty() ? 100 : paused_ ? 10 : 0);
      if (m) {
        if (m->err) {
          if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
            char reason[512];
            rd_kafka_fatal_error(consumer_, reason, sizeof reason);
            spdlog::critical("consumer: fatal error: {}", reason);
            rd_kafka_message_destroy(m);
            break;
          }
          spdlog::warn("consumer: {}", rd_kafka_message_errstr(m));
          rd_kafka_message_destroy(m);
        } else {
          pending_.push_back(m);
        }
      }
    }
    if (!pending_.empty()) submit_pending();
    if (now - last_gauges >= std::chrono::milliseconds(100)) {  // queue depths for /metrics
      last_gauges = now;
      queued_in_pipeline_.set(static_cast<int64_t>(runner_->in_flight()));
      queued_waiting_.set(static_cast<int64_t>(pending_.size()));
    }
    if (paused_ && pending_.empty() && runner_->at_most(options_.resume_at)) set_paused(false);
  }
  const bool failed = sink_->failed() || fatal_.load();
  const bool clean = shut_down(clock::now() + std::chrono::milliseconds(options_.shutdown_timeout_ms));
  return clean && !failed;
}

void kafka_job::submit_pending() {
  while (!pending_.empty()) {
    input_record* record = runner_->acquire(std::chrono::milliseconds(20));
    if (!record) {
      // The runner is full. What is not consumed yet waits in librdkafka's fetch queue (bounded
      // by consumer queued.max.messages.kbytes): pausing at once would drop that queue and fetch
      // it again after the resume, a stall of a fetch round trip each time. Only when messages
      // taken by the polls that serve rebalances pile up (the runner has been full for seconds:
      // the output is stuck) are the partitions paused.
      if (!paused_ && pending_.size() >= max_pending_) set_paused(true);
      return;
    }
    rd_kafka_message_t* m = pending_.front();
    const char* topic = rd_kafka_topic_name(m->rkt);
    record->bytes.assign(static_cast<const char*>(m->payload ? m->payload : ""), m->len);
    record->has_key = m->key != nullptr;
    if (m->key) record->key.assign(static_cast<const char*>(m->key), m->key_len);
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name;
      const void* value;
      size_t size;
      for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
        record->headers.push_back(record_header{name, std::string(static_cast<const char*>(value ? value : ""), size)});
    }
    record->stream.assign(topic);
    record->partition = m->partition;
    record->position = m->offset;
    record->timestamp_ms = rd_kafka_message_timestamp(m, nullptr);
    if (!delivery_token::fits(m->offset)) {
      spdlog::critical("[{} {}] offset {} is beyond what newsflow can track", topic, m->partition, m->offset);
      std::abort();
    }
    const auto id = tracker_.track(record->stream, m->partition, m->offset);
    record->source_token = delivery_token::make(id, m->offset);
    runner_->submit();
    rd_kafka_message_destroy(m);
    pending_.pop_front();
  }
}

void kafka_job::set_paused(bool paused) {
  rd_kafka_topic_partition_list_t* assignment = nullptr;
  if (rd_kafka_assignment(consumer_, &assignment) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (paused) rd_kafka_pause_partitions(consumer_, assignment);
    else rd_kafka_resume_partitions(consumer_, assignment);
    rd_kafka_topic_partition_list_destroy(assignment);
  }
  if (paused) pauses_.inc();
  paused_ = paused;
  count_paused();
  spdlog::debug("input partitions {}", paused ? "paused: the pipeline is full" : "resumed");
}

void kafka_job::count_paused() {
  rd_kafka_topic_partition_list_t* assignment = nullptr;
  if (rd_kafka_assignment(consumer_, &assignment) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  assigned_.set(assignment->cnt);
  paused_partitions_.set(paused_ ? assignment->cnt : 0);
  rd_kafka_topic_partition_list_destroy(assignment);
}

std::string kafka_job::not_ready_reason() const {
  if (closing_.load()) return "stopping";
  if (!assigned_once_.load()) return "waiting for the consumer group to assign partitions";
  if (statistics_.consumer_brokers_up() == 0) return "no broker reachable";
  return {};
}

void kafka_job::poll_producer() {
  while (!stop_producer_poll_.load()) rd_kafka_poll(producer_, 100);
}

// librdkafka before 2.3.0 aborts in rd_kafka_destroy() ("Assertion 'assignor_state' failed" in
// rd_kafka_sticky_assignor_state_destroy, confluentinc/librdkafka#4312) if this member joined the
// group with cooperative-sticky but was destroyed before a SyncGroup gave it an assignment: the
// assignor's state is only created then, and once consumer_close() has started, SyncGroup
// responses are dropped. A SIGTERM during the first rebalance does exactly that. So, when the
// member has joined (it has a member id) but has no assignment yet, keep serving the group
// until that rebalance hands one over (bounded by the shutdown deadline); consumer_close() then
// gives it back at once. Messages polled meanwhile are dropped untracked: never stored, never
// committed, so the next owner reads them.
void kafka_job::await_first_assignment(clock::time_point deadline) {
  if (assigned_once_) return;
  char* member_id = rd_kafka_memberid(consumer_);
  const bool joined = member_id && *member_id;
  if (member_id) rd_kafka_mem_free(consumer_, member_id);
  // No member id: not in the group (never joined, or dropped by a group error), no rebalance to
  // wait for. Only a member dropped between its first JoinGroup and SyncGroup can still abort.
  if (!joined) return;
  spdlog::info("stopping: waiting for the rebalance in progress to give this member its first assignment");
  while (!assigned_once_ && !fatal_.load() && clock::now() < deadline) {
    if (rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_, 100)) {
      const bool fatal = m->err == RD_KAFKA_RESP_ERR__FATAL;
      rd_kafka_message_destroy(m);
      if (fatal) break;
    }
  }
  if (!assigned_once_)
    spdlog::warn("stopping: no assignment before the shutdown deadline; librdkafka < 2.3.0 may abort "
                 "on destroy (confluentinc/librdkafka#4312), after the commit");
}

bool kafka_job::shut_down(clock::time_point deadline) {
  closing_ = true;
  // Consumed but never handed to the runner: not tracked, so consumed again next time.
  for (auto* m : pending_) rd_kafka_message_destroy(m);
  pending_.clear();
  sink_->set_deadline(deadline);
  spdlog::info("stopping: finishing the articles in the pipeline");
  runner_->finish();
  stop_producer_poll_ = true;
  producer_poller_.join();
  spdlog::info("stopping: flushing {} messages to the broker", rd_kafka_outq_len(producer_));
  bool clean = true;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
  if (rd_kafka_flush(producer_, static_cast<int>(std::max<int64_t>(left, 0))) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("shutdown deadline reached with {} messages unpublished; their inputs will be consumed again",
                 rd_kafka_outq_len(producer_));
    clean = false;
  }
  if (tracker_.pending() > 0) clean = false;
  spdlog::info("stopping: committing offsets");
  if (auto err = rd_kafka_commit(consumer_, nullptr, 0); err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
    spdlog::warn("final offset commit failed: {}", rd_kafka_err2str(err));
  await_first_assignment(deadline);
  spdlog::info("stopping: leaving the consumer group");
  if (auto err = rd_kafka_consumer_close(consumer_))
    spdlog::warn("leaving the consumer group: {}", rd_kafka_err2str(err));
  spdlog::info("stopped{}", clean ? ": everything consumed was published and committed" : "");
  return clean;
}

void kafka_job::on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions) {
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(consumer_), "COOPERATIVE") == 0;
  rebalances_.inc();
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    assigned_once_ = true;  // see await_first_assignment()
    // A partition this instance had before resumes after what it published itself, even if
    // the commit on revoke was refused (a broker rejects commits while a group rebalances).
    for (int i = 0; i < partitions->cnt; ++i) {
      auto& tp = partitions->elems[i];
      if (auto resume = tracker_.resume_offset(tp.topic, tp.partition)) tp.offset = *resume;
    }
    spdlog::info("assigned {}", describe(partitions));
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_assign(consumer_, partitions)) {
        spdlog::error("incremental assign: {}", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(consumer_, partitions);
    }
    on_assign(partitions);
  } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    on_revoke(partitions);
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(consumer_, partitions)) {
        spdlog::error("incremental unassign: {}", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(consumer_, nullptr);
    }
  } else {
    spdlog::error("rebalance failed: {}", rd_kafka_err2str(err));
    rd_kafka_assign(consumer_, nullptr);
  }
  count_paused();
}

void kafka_job::on_assign(rd_kafka_topic_partition_list_t* partitions) {
  // Pausing is per partition in the client: newly assigned ones join the pause.
  if (paused_) rd_kafka_pause_partitions(consumer_, partitions);
}

void kafka_job::on_revoke(rd_kafka_topic_partition_list_t* partitions) {
  const bool lost = rd_kafka_assignment_lost(consumer_);
  spdlog::info("{} {}", lost ? "lost" : "revoked", describe(partitions));
  std::set<std::pair<std::string, int32_t>> revoked;
  for (int i = 0; i < partitions->cnt; ++i) revoked.emplace(partitions->elems[i].topic, partitions->elems[i].partition);
  // Waiting messages of revoked partitions were never tracked: their new owner reads them.
  std::erase_if(pending_, [&](rd_kafka_message_t* m) {
    if (!revoked.contains({rd_kafka_topic_name(m->rkt), m->partition})) return false;
    rd_kafka_message_destroy(m);
    return true;
  });
  if (!lost && !closing_) {
    // Let the revoked partitions' in-flight work finish and its offsets be stored, then
    // commit, so the next owner starts exactly after what this instance published.
    const auto deadline = clock::now() + std::chrono::milliseconds(options_.revoke_timeout_ms);
    auto busy = [&] {
      for (const auto& [topic, partition] : revoked)
        if (tracker_.pending(topic, partition) > 0) return true;
      return false;
    };
    while (busy() && clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (busy()) spdlog::warn("revoke: work of {} still in flight after {} ms", describe(partitions), options_.revoke_timeout_ms);
  }
  // On close, shut_down() has drained and committed already.
  if (!lost && !closing_) {
    if (auto err = rd_kafka_commit(consumer_, nullptr, 0); err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
      spdlog::warn("commit on revoke: {}", rd_kafka_err2str(err));
  }
  for (const auto& [topic, partition] : revoked) tracker_.forget(topic, partition);
}

void kafka_job::rebalance_callback(rd_kafka_t*, rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  guarded("rebalance", [&] { static_cast<kafka_job*>(opaque)->on_rebalance(err, partitions); });
}

void kafka_job::delivery_callback(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  guarded("delivery report", [&] { static_cast<kafka_job*>(opaque)->sink_->on_delivery(message); });
}

void kafka_job::log_callback(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  // librdkafka logs connection failures at LOG_ERR although it retries them: warn.
  const auto lvl = level <= 2 ? spdlog::level::critical
                   : level <= 4 ? spdlog::level::warn
                   : level <= 6 ? spdlog::level::info
                                : spdlog::level::debug;
  spdlog::log(lvl, "librdkafka {} {}: {}", rd_kafka_name(rk), facility, message);
}

void kafka_job::error_callback(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal[512];
    rd_kafka_fatal_error(rk, fatal, sizeof fatal);
    spdlog::critical("{}: fatal error: {}", rd_kafka_name(rk), fatal);
    static_cast<kafka_job*>(opaque)->fatal_ = true;
    return;
  }
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && rk == static_cast<kafka_job*>(opaque)->consumer_)
    static_cast<kafka_job*>(opaque)->statistics_.consumer_brokers_down();
  spdlog::warn("{}: {}", rd_kafka_name(rk), reason);
}

int kafka_job::statistics_callback(rd_kafka_t* rk, char* json, size_t json_len, void* opaque) {
  guarded("statistics", [&] {
    auto* job = static_cast<kafka_job*>(opaque);
    if (rk == job->consumer_) job->statistics_.on_consumer({json, json_len});
    else job->statistics_.on_producer({json, json_len});
  });
  return 0;  // librdkafka frees the document
}

}  // namespace newsflow
