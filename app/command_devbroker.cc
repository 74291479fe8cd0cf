#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <charconv>
#include <optional>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "connectors/devbroker/dev_broker.h"
#include "connectors/devbroker/topic_spec.h"
#include "pipeline/logging.h"

namespace newsflow {
namespace {

struct devbroker_flags {
  int port = 0;
  std::string topics;
  int brokers = 1;
};

// A command line longer than this is garbage, not a command.
constexpr size_t max_command_bytes = 4096;

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

void answer(const std::string& text) {
  std::fputs(text.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// A whole decimal int, or nothing.
std::optional<int> number(std::string_view word) {
  int value = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (ec != std::errc() || end != word.data() + word.size()) return std::nullopt;
  return value;
}

// One stdin command (tests inject faults with these); answers "ok" or "error: ...".
void run_command(dev_broker& broker, std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const auto words = split_words(line);
  if (words.empty()) return;
  std::expected<void, std::string> result;
  if (words[0] == "down" && words.size() == 1) {
    result = broker.set_available(false);
    if (result) spdlog::info("devbroker: all brokers down");
  } else if (words[0] == "up" && words.size() == 1) {
    result = broker.set_available(true);
    if (result) spdlog::info("devbroker: all brokers up");
  } else if (words[0] == "topic" && words.size() == 3) {
    topic_spec topic{std::string(words[1]), 0};
    const auto [end, ec] = std::from_chars(words[2].data(), words[2].data() + words[2].size(), topic.partitions);
    if (ec != std::errc() || end != words[2].data() + words[2].size()) topic.partitions = 0;  // rejected below
    result = broker.create_topic(topic);
    if (result) spdlog::info("devbroker: created topic {} ({} partitions)", topic.name, topic.partitions);
  } else if (words[0] == "fail" && words.size() == 4) {
    const auto count = number(words[3]);
    result = count ? broker.fail_requests(words[1], words[2], *count)
                   : std::unexpected("count '" + std::string(words[3]) + "' is not a number");
    if (result) spdlog::info("devbroker: the next {} {} requests fail with {}", words[3], words[1], words[2]);
  } else if (words[0] == "leader" && words.size() == 4) {
    const auto partition = number(words[2]), id = number(words[3]);
    result = partition && id ? broker.set_leader(std::string(words[1]), *partition, *id)
                             : std::unexpected(std::string("partition and broker must be numbers"));
    if (result) spdlog::info("devbroker: {}[{}] now led by broker {}", words[1], words[2], words[3]);
  } else if (words[0] == "rtt" && words.size() == 2) {
    const auto ms = number(words[1]);
    result = ms ? broker.set_rtt(*ms) : std::unexpected("rtt '" + std::string(words[1]) + "' is not a number");
    if (result) spdlog::info("devbroker: round trip {} ms", words[1]);
  } else if (words[0] == "broker" && words.size() == 3 && (words[2] == "down" || words[2] == "up")) {
    const auto id = number(words[1]);
    result = id ? broker.set_broker_available(*id, words[2] == "up")
                : std::unexpected("broker '" + std::string(words[1]) + "' is not a number");
    if (result) spdlog::info("devbroker: broker {} {}", words[1], words[2]);
  } else {
    result = std::unexpected("unknown command '" + std::string(line) +
                             "' (expected: down, up, topic NAME PARTITIONS, fail API ERROR COUNT, "
                             "leader TOPIC PARTITION BROKER, rtt MS, broker ID down|up)");
  }
  answer(result ? std::string("ok") : "error: " + result.error());
}

// Splits stdin into lines; EOF only means no more commands, never "stop".
class command_reader {
 public:
  // Reads what is available; returns false once stdin is at its end (or unreadable).
  bool read_available(dev_broker& broker) {
    char buf[4096];
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0) return errno == EINTR || errno == EAGAIN;
    if (n == 0) {
      if (!skipping_ && !pending_.empty()) run_command(broker, pending_);  // last line without \n
      return false;
    }
    for (const char c : std::string_view(buf, static_cast<size_t>(n))) {
      if (c == '\n') {
        if (!skipping_) run_command(broker, pending_);
        pending_.clear();
        skipping_ = false;
      } else if (!skipping_) {
        pending_.push_back(c);
        if (pending_.size() > max_command_bytes) {
          answer("error: command line longer than " + std::to_string(max_command_bytes) + " bytes");
          pending_.clear();
          skipping_ = true;
        }
      }
    }
    return true;
  }

 private:
  std::string pending_;
  bool skipping_ = false;  // the rest of an over-long line
};

int run_devbroker(const devbroker_flags& flags) {
  auto topics = parse_topic_list(flags.topics);
  if (!topics) {
    std::fprintf(stderr, "newsflowd: devbroker: --topics: %s\n", topics.error().c_str());
    return exit_code::usage;
  }
  if (!setup_logging("info", "text")) return exit_code::failure;

  // SIGINT/SIGTERM are blocked before the broker starts any thread, so every thread inherits
  // the mask and the signals arrive only through this signalfd, polled next to stdin.
  sigset_t stop_signals, previous_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, &previous_mask);
  const int signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  if (signal_fd < 0) {
    spdlog::error("devbroker: signalfd: {}", std::strerror(errno));
    return exit_code::failure;
  }
  // A test that closes its end of stdout must not kill the broker with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);

  auto broker = dev_broker::start({.port = static_cast<uint16_t>(flags.port), .topics = *topics,
                                   .brokers = flags.brokers});
  if (!broker) {
    spdlog::error("devbroker: {}", broker.error());
    ::close(signal_fd);
    return exit_code::failure;
  }
  for (const auto& topic : *topics)
    spdlog::info("devbroker: created topic {} ({} partitions)", topic.name, topic.partitions);
  spdlog::info("devbroker: {} mock broker(s) at {}; other topics are created on first use with 4 "
               "partitions", (*broker)->broker_count(), (*broker)->broker_addresses());
  spdlog::warn("devbroker: for development, tests and demos only: in memory, at most 5 MiB per "
               "partition (older data is silently deleted)");
  std::printf("bootstrap: %s\n", (*broker)->bootstrap().c_str());
  std::fflush(stdout);

  command_reader reader;
  bool stdin_open = true;
  for (;;) {
    pollfd fds[2] = {{signal_fd, POLLIN, 0}, {stdin_open ? STDIN_FILENO : -1, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("devbroker: poll: {}", std::strerror(errno));
      break;
    }
    if (fds[0].revents) {
      signalfd_siginfo info{};
      [[maybe_unused]] ssize_t n = ::read(signal_fd, &info, sizeof info);
      spdlog::info("devbroker: {}, stopping", strsignal(static_cast<int>(info.ssi_signo)));
      break;
    }
    if (fds[1].revents & POLLNVAL) stdin_open = false;  // no stdin at all
    else if (fds[1].revents && !reader.read_available(**broker)) stdin_open = false;
  }

  // A second signal during shutdown ends the process at once.
  ::close(signal_fd);
  pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
  broker->reset();
  return exit_code::ok;
}

}  // namespace

command add_devbroker_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "devbroker",
      "Run a local Kafka-protocol broker on 127.0.0.1 (librdkafka's mock cluster) for "
      "development, tests and demos only: in memory, at most 5 MiB per partition (older data "
      "silently deleted), never for data that matters");
  auto flags = std::make_shared<devbroker_flags>();
  sub->add_option("--port", flags->port,
                  "Port on 127.0.0.1 that clients bootstrap through; 0 = any free port")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  sub->add_option("--topics", flags->topics,
                  "Topics to create, as name:partitions,... (partitions 1..10000)");
  sub->add_option("--brokers", flags->brokers, "Number of mock brokers")
      ->check(CLI::Range(1, 3))
      ->capture_default_str();
  sub->footer(
      "For development, tests and demos only. Everything is kept in memory, at most 5 MiB (and "
      "100,000 message sets) per partition: older data is silently deleted, like an aggressive "
      "retention policy. Never use it for data that matters.\n"
      "Prints one line 'bootstrap: 127.0.0.1:PORT' on stdout, logs to stderr, and runs until "
      "SIGINT or SIGTERM. Topics used without being created get 4 partitions. Commands on "
      "stdin, one per line, each answered 'ok' or 'error: ...' on stdout: 'down' (all brokers "
      "unavailable), 'up', 'topic NAME PARTITIONS', and faults: 'fail API ERROR COUNT' (the next "
      "COUNT requests of API, e.g. Produce, Fetch, OffsetCommit, fail with ERROR, e.g. "
      "REQUEST_TIMED_OUT), 'leader TOPIC PARTITION BROKER', 'rtt MS' (every answer that much "
      "later), 'broker ID down|up'. The end of stdin does not stop it.\n"
      "Exit status: 0 stopped by a signal, 2 bad command line, 1 could not start.");
  return {sub, [flags] { return run_devbroker(*flags); }};
}

}  // namespace newsflow
