#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/app_config.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/http_endpoint.h"
#include "app/reload_signal.h"
#include "app/shutdown_watchdog.h"
#include "app/stop_signal.h"
#include "app/systemd_notifier.h"
#include "connectors/devbroker/dev_broker.h"
#include "connectors/kafka/kafka_job.h"
#include "pipeline/logging.h"
#include "pipeline/metrics.h"
#include "pipeline/version.h"

namespace newsflow {
namespace {

struct run_flags {
  std::string config;
  std::string brokers;
  std::string group;
  std::vector<std::string> input;
  std::string output;
  std::string dead_letter;
  unsigned workers = 0;
  bool embedded_broker = false;
  uint16_t broker_port = 0;
  int http_port = -1;  // -1: http.port of the configuration
};

int run_daemon(const run_flags& flags) {
  auto config = load_app_config(flags.config);
  if (!config) return exit_code::usage;
  pipeline_config& pc = config->pipeline;
  kafka_options& kafka = config->kafka;
  // Command-line flags override the file, like kcat's -b/-t.
  if (!flags.brokers.empty()) kafka.brokers = flags.brokers;
  if (!flags.group.empty()) kafka.group = flags.group;
  if (!flags.input.empty()) kafka.input_topics = flags.input;
  if (!flags.output.empty()) kafka.output_topic = flags.output;
  if (!flags.dead_letter.empty()) kafka.dead_letter_topic = flags.dead_letter;
  if (flags.workers > 0) pc.runner.workers = flags.workers;
  if (!setup_logging(pc.logging.level, pc.logging.format)) return exit_code::usage;
  // From here on SIGHUP re-reads the log level (its default action would end the process,
  // e.g. a `systemctl reload` while the models load).
  const reload_watcher reload(flags.config);

  metrics_registry metrics;
  metrics
      .get_gauge("newsflow_build_info", "Always 1; the labels say which build runs.",
                 {{"version", version}, {"librdkafka", rd_kafka_version_str()}})
      .set(1);
  auto chain = build_app_chain(*config, metrics, flags.config);
  if (!chain) return exit_code::usage;

  std::unique_ptr<dev_broker> broker;
  if (flags.embedded_broker) {
    dev_broker_options options;
    options.port = flags.broker_port;
    for (const auto& t : kafka.input_topics) options.topics.push_back({t, 4});
    for (const auto* t : {&kafka.output_topic, &kafka.dead_letter_topic, &kafka.duplicates_topic})
      options.topics.push_back({*t, 4});
    auto started = dev_broker::start(options);
    if (!started) {
      spdlog::critical("cannot start the embedded broker: {}", started.error());
      return exit_code::failure;
    }
    broker = std::move(*started);
    kafka.brokers = broker->bootstrap();
    // The development broker answers a fetch that found nothing new only after the whole
    // fetch.wait.max.ms (500 ms by default), even when data arrives meanwhile: a short wait
    // keeps a demo's latency low. A value set in the configuration wins.
    kafka.consumer.try_emplace("fetch.wait.max.ms", "10");
    // The one line a script needs to find the broker (same as `newsflowd devbroker`).
    std::printf("bootstrap: %s\n", kafka.brokers.c_str());
    std::fflush(stdout);
    spdlog::warn("embedded development broker on {}: in memory, at most 5 MiB per partition; "
                 "for demos and tests only", kafka.brokers);
  }

  const std::atomic<bool>& stop = install_stop_handler();
  // Outlives the job: bounds its drain, flush, commit, group leave and destruction.
  const shutdown_watchdog watchdog(stop, std::chrono::milliseconds(kafka.shutdown_timeout_ms) +
                                             std::chrono::seconds(10));
  std::string error;
  auto job = kafka_job::create(kafka, pc, *chain, metrics, error);
  if (!job) {
    spdlog::critical("{}", error);
    return exit_code::failure;
  }
  std::unique_ptr<http_endpoint> http;
  const uint32_t http_port = flags.http_port >= 0 ? static_cast<uint32_t>(flags.http_port) : config->http.port;
  if (http_port != 0) {
    auto started = http_endpoint::start(config->http.address, static_cast<uint16_t>(http_port), metrics,
                                        [&job] { return job->not_ready_reason(); });
    if (!started) {
      spdlog::critical("http: {}", started.error());
      return exit_code::failure;
    }
    http = std::move(*started);
    spdlog::info("serving /metrics, /healthz and /readyz on http://{}:{}", config->http.address, http->port());
  }
  bool clean = false;
  {
    systemd_notifier notifier(stop, [&job] { return job->loop_turns(); });
    notifier.ready(fmt::format("consuming {}", fmt::join(kafka.input_topics, ",")));
    clean = job->run(stop);
  }
  http.reset();  // it asks the job whether it is ready
  job.reset();
  return clean ? exit_code::ok : exit_code::failure;
}

}  // namespace

command add_run_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "run", "The daemon: consume articles from Kafka in a consumer group, enrich them, publish them");
  auto flags = std::make_shared<run_flags>();
  sub->add_option("-c,--config", flags->config, "Configuration file (YAML); defaults without it");
  sub->add_option("-b,--brokers", flags->brokers, "Bootstrap brokers host:port,... (overrides kafka.brokers)");
  sub->add_option("-g,--group", flags->group, "Consumer group id (overrides kafka.group)");
  sub->add_option("-i,--input", flags->input, "Input topic; repeat for several (overrides kafka.input)")
      ->delimiter(',');
  sub->add_option("-o,--output", flags->output, "Output topic for enriched articles (overrides kafka.output)");
  sub->add_option("-d,--dead-letter", flags->dead_letter,
                  "Dead-letter topic for rejected inputs (overrides kafka.dead_letter)");
  sub->add_option("-w,--workers", flags->workers, "Worker threads (overrides pipeline.workers)")
      ->check(CLI::Range(1, 1024));
  sub->add_flag("--embedded-broker", flags->embedded_broker,
                "Run an in-process development broker (librdkafka's mock cluster) and consume from "
                "it: zero-setup demos and tests. Prints 'bootstrap: HOST:PORT' on stdout.");
  sub->add_option("--broker-port", flags->broker_port, "Port of the embedded broker (default: any free port)")
      ->needs("--embedded-broker");
  sub->add_option("--http-port", flags->http_port,
                  "Port of the /metrics, /healthz and /readyz endpoint; 0: none (overrides http.port)")
      ->check(CLI::Range(0, 65535));
  sub->footer(
      "Delivery is at-least-once: an input's offset is committed only after every output it "
      "produced (enriched, dead-letter or duplicate record) was acknowledged. SIGTERM or SIGINT "
      "drains, flushes, commits and leaves the group within kafka.shutdown_timeout_ms, then exits "
      "0; a second signal exits at once. Exit status 1 when the daemon stopped on an error.");
  return {sub, [flags] { return run_daemon(*flags); }};
}

}  // namespace newsflow
