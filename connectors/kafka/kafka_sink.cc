#include "connectors/kafka/kafka_sink.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "connectors/kafka/delivery_token.h"

namespace newsflow {

kafka_sink::kafka_sink(rd_kafka_t* producer, rd_kafka_t* consumer, const kafka_options& options,
                       offset_tracker& tracker, metrics_registry& metrics)
    : producer_(producer),
      consumer_(consumer),
      options_(options),
      tracker_(tracker),
      produced_(metrics.get_counter("newsflow_kafka_produced_total", "Messages handed to the producer.")),
      dead_lettered_(metrics.get_counter("newsflow_kafka_dead_lettered_total",
                                         "Inputs published to the dead-letter topic.")),
      delivery_errors_(metrics.get_counter("newsflow_kafka_delivery_errors_total",
                                           "Produced messages the broker did not acknowledge.")) {}

void kafka_sink::set_deadline(std::chrono::steady_clock::time_point deadline) {
  deadline_ns_.store(deadline.time_since_epoch().count());
}

void kafka_sink::fail(std::string reason) {
  if (failed_.exchange(true)) return;
  failure_reason_ = std::move(reason);
  spdlog::critical("{}", failure_reason_);
}

void kafka_sink::handled(offset_tracker::partition_id id, int64_t offset) {
  auto moved = tracker_.done(id, offset);
  if (!moved) return;
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, moved->topic.c_str(), moved->partition)->offset = moved->next_offset;
  // ERR__STATE: the partition was revoked meanwhile; its new owner starts from the last commit.
  if (auto err = rd_kafka_offsets_store(consumer_, list); err && err != RD_KAFKA_RESP_ERR__STATE)
    spdlog::warn("[{} {}] storing offset {} failed: {}", moved->topic, moved->partition,
                 moved->next_offset, rd_kafka_err2str(err));
  rd_kafka_topic_partition_list_destroy(list);
}

void kafka_sink::deliver(const result_view& result) {
  const input_record& record = result.record;
  const uint64_t token = record.source_token;
  switch (result.kind) {
    case outcome::dropped:
      handled(delivery_token::partition(token), delivery_token::offset(token));
      return;
    case outcome::published: {
      const std::string& topic = result.route.empty() ? options_.output_topic : options_.duplicates_topic;
      if (produce(topic, record, result.output, nullptr, token)) return;
      // The enriched article is too large for the producer's message.max.bytes: the input
      // goes to the dead letters instead, so it is not lost.
      const failure too_large{"output.too_large",
                              fmt::format("enriched article of {} bytes is above the producer's message.max.bytes",
                                          result.output.size()),
                              "publish"};
      if (produce(options_.dead_letter_topic, record, record.bytes, &too_large, token)) dead_lettered_.inc();
      return;
    }
    case outcome::rejected:
      if (produce(options_.dead_letter_topic, record, record.bytes, result.error, token)) dead_lettered_.inc();
      return;
  }
}

// Returns false only for a message too large to produce (the caller may dead-letter it).
bool kafka_sink::produce(const std::string& topic, const input_record& record, std::string_view value,
                         const failure* error, uint64_t token) {
  for (;;) {
    rd_kafka_headers_t* headers = rd_kafka_headers_new(record.headers.size() + (error ? 6 : 0));
    for (const auto& h : record.headers)
      rd_kafka_header_add(headers, h.key.data(), static_cast<ssize_t>(h.key.size()), h.value.data(),
                          static_cast<ssize_t>(h.value.size()));
    if (error) {
      const std::string partition = std::to_string(record.partition);
      const std::string offset = std::to_string(record.position);
      for (const auto& [name, v] : {std::pair{"newsflow.error.code", std::string_view(error->code)},
                                    std::pair{"newsflow.error.message", std::string_view(error->message)},
                                    std::pair{"newsflow.error.processor", std::string_view(error->processor)},
                                    std::pair{"newsflow.source.topic", std::string_view(record.stream)},
                                    std::pair{"newsflow.source.partition", std::string_view(partition)},
                                    std::pair{"newsflow.source.offset", std::string_view(offset)}})
        rd_kafka_header_add(headers, name, -1, v.data(), static_cast<ssize_t>(v.size()));
    }
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_, RD_KAFKA_V_TOPIC(topic.c_str()),
        RD_KAFKA_V_KEY(record.has_key ? record.key.data() : nullptr, record.has_key ? record.key.size() : 0),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<uintptr_t>(token))), RD_KAFKA_V_END);
    if (!err) {
      produced_.inc();
      return true;
    }
    rd_kafka_headers_destroy(headers);  // still ours when producev fails
    if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE && !error) return false;
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      // Backpressure: the broker is slow or away. Waiting here stalls the runner, which makes
      // the consumer pause its partitions.
      const int64_t deadline = deadline_ns_.load();
      if (deadline != 0 && std::chrono::steady_clock::now().time_since_epoch().count() > deadline) {
        spdlog::warn("[{} {}] offset {} not published before the shutdown deadline", record.stream,
                     record.partition, record.position);
        return true;  // not handled: its offset is never stored, so it is consumed again
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    fail(fmt::format("[{} {}] offset {}: cannot produce to {}: {}", record.stream, record.partition,
                     record.position, topic, rd_kafka_err2str(err)));
    return true;
  }
}

void kafka_sink::on_delivery(const rd_kafka_message_t* message) {
  const auto token = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(message->_private));
  if (message->err) {
    delivery_errors_.inc();
    // librdkafka has retried already (idempotent producer): this one is final. The input is
    // not marked handled, so it will be consumed and published again after a restart.
    fail(fmt::format("delivery to {} failed for good: {} (input partition {} offset {})",
                     rd_kafka_topic_name(message->rkt), rd_kafka_err2str(message->err),
                     tracker_.partition_number(delivery_token::partition(token)),
                     delivery_token::offset(token)));
    return;
  }
  handled(delivery_token::partition(token), delivery_token::offset(token));
}

int32_t kafka_sink::same_as_input_partitioner(const rd_kafka_topic_t*, const void*, size_t,
                                              int32_t partition_count, void* topic_opaque,
                                              void* message_opaque) {
  const auto token = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(message_opaque));
  const auto* tracker = static_cast<const offset_tracker*>(topic_opaque);
  const int32_t input = tracker ? tracker->partition_number(delivery_token::partition(token)) : 0;
  return input < 0 || partition_count <= 0 ? 0 : input % partition_count;
}

}  // namespace newsflow
