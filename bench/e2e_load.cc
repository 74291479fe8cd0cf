// The load generator and meter of the end-to-end benchmark (bench/e2e.sh): produces articles
// to the daemon's input topic at a fixed rate (or as fast as a bounded window allows), reads
// the output and dead-letter topics, and prints one JSON line with throughput and latency.
//
//   e2e_load --brokers HOST:PORT --articles FILE.jsonl [--count N] [--rate R] [--window W]
//            [--warmup 200] [--input articles] [--output articles.enriched]
//            [--dead-letter articles.dlq] [--timeout-s 900]
//
// Article k of the file is sent with key "k" (N > lines: the file is read again from the top,
// so later rounds are exact copies of earlier ones). Latency of an article: from the moment it
// is handed to the producer to the moment its output (enriched or dead-letter record, found by
// key) is read back here: the output has been acknowledged by the broker by then, so this is
// the user's view, input timestamp to output acknowledgement plus one fetch. --rate 0 sends as
// fast as the window lets (at most W articles sent but not yet out: the development broker
// keeps only 5 MiB per partition, so an unbounded producer would lose input there); the
// throughput is then the pipeline's. A warm-up of --warmup articles (keys "w0"...) goes first
// and is waited for, so the group's first join does not count.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
  std::string brokers, articles, input = "articles", output = "articles.enriched", dead_letter = "articles.dlq";
  size_t count = 100000, window = 4000, warmup = 200;
  double rate = 0;  // articles per second; 0 = as fast as the window allows
  double timeout_s = 900;
};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "e2e_load: %s\n", what.c_str());
  std::exit(1);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--brokers") o.brokers = value;
    else if (flag == "--articles") o.articles = value;
    else if (flag == "--count") o.count = std::strtoull(value.c_str(), nullptr, 10);
    else if (flag == "--rate") o.rate = std::strtod(value.c_str(), nullptr);
    else if (flag == "--window") o.window = std::strtoull(value.c_str(), nullptr, 10);
    else if (flag == "--warmup") o.warmup = std::strtoull(value.c_str(), nullptr, 10);
    else if (flag == "--input") o.input = value;
    else if (flag == "--output") o.output = value;
    else if (flag == "--dead-letter") o.dead_letter = value;
    else if (flag == "--timeout-s") o.timeout_s = std::strtod(value.c_str(), nullptr);
    else fail("unknown flag " + flag);
  }
  if (o.brokers.empty() || o.articles.empty() || o.count == 0 || o.window == 0)
    fail("usage: e2e_load --brokers HOST:PORT --articles FILE.jsonl [--count N] [--rate R] [--window W]");
  return o;
}

rd_kafka_conf_t* config(const options& o, std::initializer_list<std::pair<const char*, const char*>> extra) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  const auto set = [&](const char* key, const char* value) {
    if (rd_kafka_conf_set(conf, key, value, error, sizeof error) != RD_KAFKA_CONF_OK) fail(error);
  };
  set("bootstrap.servers", o.brokers.c_str());
  for (const auto& [key, value] : extra) set(key, value);
  return conf;
}

// Every partition of the output and dead-letter topics, from the beginning: no group, so no
// join delay and nothing committed.
void assign_all(rd_kafka_t* consumer, const options& o) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(16);
  for (const std::string& name : {o.output, o.dead_letter}) {
    rd_kafka_topic_t* topic = rd_kafka_topic_new(consumer, name.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(consumer, 0, topic, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 ||
        md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR)
      fail("no metadata for topic " + name + " (create it on the broker first)");
    for (int p = 0; p < md->topics[0].partition_cnt; ++p)
      rd_kafka_topic_partition_list_add(list, name.c_str(), md->topics[0].partitions[p].id)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(topic);
  }
  if (rd_kafka_assign(consumer, list) != RD_KAFKA_RESP_ERR_NO_ERROR) fail("cannot assign the output topics");
  rd_kafka_topic_partition_list_destroy(list);
}

double percentile(std::vector<double>& sorted_ms, double q) {
  if (sorted_ms.empty()) return 0;
  const size_t i = std::min(sorted_ms.size() - 1, static_cast<size_t>(q * static_cast<double>(sorted_ms.size())));
  return sorted_ms[i];
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  std::ifstream in(o.articles, std::ios::binary);
  if (!in) fail("cannot read " + o.articles);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string_view> lines;
  for (size_t at = 0; at < file.size();) {
    size_t end = file.find('\n', at);
    if (end == std::string::npos) end = file.size();
    if (end > at) lines.emplace_back(file.data() + at, end - at);
    at = end + 1;
  }
  if (lines.empty()) fail(o.articles + " has no articles");

  char error[512];
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER,
                                      config(o, {{"linger.ms", "2"},
                                                 {"queue.buffering.max.messages", "1000000"},
                                                 {"queue.buffering.max.kbytes", "2097151"},
                                                 {"compression.codec", "lz4"}}),
                                      error, sizeof error);
  if (producer == nullptr) fail(error);
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER,
                                      config(o, {{"group.id", "newsflow-e2e-meter"},
                                                 {"enable.auto.commit", "false"},
                                                 {"fetch.wait.max.ms", "5"},
                                                 {"enable.partition.eof", "false"}}),
                                      error, sizeof error);
  if (consumer == nullptr) fail(error);
  rd_kafka_poll_set_consumer(consumer);
  assign_all(consumer, o);

  const auto send = [&](const std::string& key, std::string_view value) {
    for (;;) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
          producer, RD_KAFKA_V_TOPIC(o.input.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) fail(std::string("produce: ") + rd_kafka_err2str(err));
      rd_kafka_poll(producer, 10);
    }
  };
  const auto deadline = clock_type::now() + std::chrono::duration<double>(o.timeout_s);

  // Warm-up: the daemon joins its group (the development broker holds the first join ~3 s).
  size_t warm_seen = 0;
  std::string warm_key, warm_value;
  for (size_t k = 0; k < o.warmup; ++k) {  // short articles of their own: no copies of the measured ones
    const std::string n = std::to_string(k);
    warm_key.assign("w").append(n);
    warm_value.assign("{\"id\": \"warm-up-").append(n).append("\", \"title\": \"Warm-up\", \"text\": ");
    warm_value.append("\"Warm-up article number ").append(n).append(" of the benchmark.\"}");
    send(warm_key, warm_value);
  }
  std::vector<char> warm_done(o.warmup, 0);
  while (warm_seen < o.warmup) {
    if (clock_type::now() > deadline) fail("timed out in the warm-up: is the daemon running?");
    rd_kafka_poll(producer, 0);
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 10);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->key_len > 1 && static_cast<const char*>(m->key)[0] == 'w') {
      size_t k = 0;
      const char* key = static_cast<const char*>(m->key);
      std::from_chars(key + 1, key + m->key_len, k);
      if (k < o.warmup && !warm_done[k]) warm_done[k] = 1, ++warm_seen;
    }
    rd_kafka_message_destroy(m);
  }

  // The measured run.
  std::vector<clock_type::time_point> sent_at(o.count);
  std::vector<double> latency_ms;
  latency_ms.reserve(o.count);
  std::vector<char> seen(o.count, 0);
  size_t sent = 0, received = 0, dead_letters = 0, repeats = 0, input_bytes = 0, output_bytes = 0;
  const auto start = clock_type::now();
  auto last = start;
  std::string key;
  while (received < o.count) {
    const auto now = clock_type::now();
    if (now > deadline) break;
    // Send what is due, within the window.
    const size_t due =
        o.rate > 0 ? std::min(o.count, static_cast<size_t>(std::chrono::duration<double>(now - start).count() * o.rate) + 1)
                   : o.count;
    while (sent < due && sent - received < o.window) {
      key = std::to_string(sent);
      const std::string_view value = lines[sent % lines.size()];
      sent_at[sent] = clock_type::now();
      send(key, value);
      input_bytes += value.size();
      ++sent;
    }
    rd_kafka_poll(producer, 0);
    // Read what came out.
    for (int batch = 0; batch < 1000; ++batch) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, batch == 0 ? 1 : 0);
      if (m == nullptr) break;
      const auto got = clock_type::now();
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->key_len > 0) {
        const char* k = static_cast<const char*>(m->key);
        size_t seq = 0;
        const auto [end, ec] = std::from_chars(k, k + m->key_len, seq);
        if (ec == std::errc() && end == k + m->key_len && seq < sent) {
          if (seen[seq]) {
            ++repeats;  // at-least-once: a redelivered article's second output
          } else {
            seen[seq] = 1;
            ++received;
            last = got;
            output_bytes += m->len;
            if (std::string_view(rd_kafka_topic_name(m->rkt)) == o.dead_letter) ++dead_letters;
            latency_ms.push_back(std::chrono::duration<double, std::milli>(got - sent_at[seq]).count());
          }
        }
      }
      rd_kafka_message_destroy(m);
    }
    if (o.rate > 0 && sent >= due && received == sent) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  rd_kafka_flush(producer, 10000);
  const double seconds = std::chrono::duration<double>(last - start).count();
  std::sort(latency_ms.begin(), latency_ms.end());
  std::printf(
      "{\"count\": %zu, \"received\": %zu, \"dead_letters\": %zu, \"repeats\": %zu, \"rate\": %.0f, "
      "\"seconds\": %.3f, \"articles_per_s\": %.1f, \"input_mb_per_s\": %.2f, \"output_mb_per_s\": %.2f, "
      "\"p50_ms\": %.2f, \"p99_ms\": %.2f, \"p999_ms\": %.2f, \"max_ms\": %.2f}\n",
      o.count, received, dead_letters, repeats, o.rate, seconds, seconds > 0 ? static_cast<double>(received) / seconds : 0,
      seconds > 0 ? static_cast<double>(input_bytes) / 1e6 / seconds : 0,
      seconds > 0 ? static_cast<double>(output_bytes) / 1e6 / seconds : 0, percentile(latency_ms, 0.5),
      percentile(latency_ms, 0.99), percentile(latency_ms, 0.999), latency_ms.empty() ? 0 : latency_ms.back());
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  rd_kafka_destroy(producer);
  return received == o.count ? 0 : 3;
}
