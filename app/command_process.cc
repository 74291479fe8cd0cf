#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <cstring>

#include "app/app_config.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/progress.h"
#include "app/stop_signal.h"
#include "connectors/file/jsonl_reader.h"
#include "connectors/file/jsonl_sink.h"
#include "pipeline/logging.h"
#include "pipeline/metrics.h"
#include "pipeline/runner.h"

namespace newsflow {
namespace {

struct process_flags {
  std::string config;
  std::string input = "-";
  std::string output = "-";
  std::string errors;
  std::string routed;
  unsigned workers = 0;
  bool quiet = false;
};

// Owns a FILE* unless it is one of the standard streams.
struct file_handle {
  std::FILE* f = nullptr;
  bool owned = false;
  ~file_handle() {
    if (owned && f) std::fclose(f);
  }
};

bool open_file(file_handle& h, const std::string& path, const char* mode, std::FILE* standard) {
  if (path.empty() || path == "-") {
    h.f = standard;
    return true;
  }
  h.f = std::fopen(path.c_str(), mode);
  h.owned = h.f != nullptr;
  if (!h.f) std::fprintf(stderr, "newsflowd: cannot open %s: %s\n", path.c_str(), std::strerror(errno));
  return h.f != nullptr;
}

uint64_t regular_file_size(std::FILE* f) {
  struct stat st{};
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) return static_cast<uint64_t>(st.st_size);
  return 0;
}

int run_process(const process_flags& flags) {
  auto config = load_app_config(flags.config);
  if (!config) return exit_code::usage;
  pipeline_config& pc = config->pipeline;
  if (flags.workers > 0) pc.runner.workers = flags.workers;
  // --quiet keeps warnings and errors but not the summary.
  const bool quieter = flags.quiet && (pc.logging.level == "trace" || pc.logging.level == "debug" ||
                                       pc.logging.level == "info");
  if (!setup_logging(quieter ? "warn" : pc.logging.level, pc.logging.format)) return exit_code::usage;
  spdlog::debug("process: {} workers, {} processors, input {}", pc.runner.workers, pc.chain.size(),
                flags.input);

  metrics_registry metrics;
  auto chain = build_app_chain(*config, metrics, flags.config);
  if (!chain) return exit_code::usage;

  file_handle in, out, err, routed;
  if (!open_file(in, flags.input, "rb", stdin) || !open_file(out, flags.output, "wb", stdout) ||
      !open_file(err, flags.errors, "wb", stderr) ||
      (!flags.routed.empty() && !open_file(routed, flags.routed, "wb", stdout)))
    return exit_code::failure;
  static char out_buffer[1 << 20];
  std::setvbuf(out.f, out_buffer, _IOFBF, sizeof out_buffer);

  const std::atomic<bool>& stop_requested = install_stop_handler();
  jsonl_reader reader(in.f, flags.input == "-" ? "stdin" : flags.input, pc.input.max_message_bytes,
                      &stop_requested);
  jsonl_sink sink(out.f, err.f, flags.routed.empty() ? nullptr : routed.f);


  const auto start = std::chrono::steady_clock::now();
  runner r(*chain, pc.input, pc.output, sink, metrics, pc.runner);
  std::optional<progress_line> progress;
  if (!flags.quiet && isatty(fileno(stderr))) {
    progress.emplace(
        [&r] {
          auto t = r.totals();
          return progress_sample{t.published + t.dropped + t.rejected, t.bytes_in};
        },
        regular_file_size(in.f));
  }
  while (!stop_requested.load()) {
    input_record* record = r.acquire(std::chrono::milliseconds(200));
    if (!record) continue;
    if (!reader.next(*record)) {
      r.cancel_acquire();
      break;
    }
    r.submit();
  }
  r.finish();
  progress.reset();
  const bool wrote = sink.flush();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const runner_totals t = r.totals();
  spdlog::info("{} in, {} out, {} rejected, {} dropped; {:.1f} MB in {:.2f} s ({:.1f} MB/s, {:.0f} articles/s){}",
               t.submitted, t.published, t.rejected, t.dropped, static_cast<double>(t.bytes_in) / 1e6,
               seconds, seconds > 0 ? static_cast<double>(t.bytes_in) / 1e6 / seconds : 0.0,
               seconds > 0 ? static_cast<double>(t.submitted) / seconds : 0.0,
               stop_requested.load() ? " - interrupted" : "");
  if (reader.failed()) {
    spdlog::error("error reading {}: {}", flags.input, std::strerror(errno));
    return exit_code::failure;
  }
  if (!wrote) {
    spdlog::error("error writing output: {}", std::strerror(errno));
    return exit_code::failure;
  }
  if (stop_requested.load()) return exit_code::failure;
  return t.rejected > 0 ? exit_code::some_rejected : exit_code::ok;
}

}  // namespace

command add_process_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "process",
      "Batch mode: enrich JSON Lines articles from a file or stdin and write enriched JSON "
      "Lines in the same order");
  auto flags = std::make_shared<process_flags>();
  sub->add_option("-c,--config", flags->config, "Configuration file (YAML); defaults without it");
  sub->add_option("-i,--input", flags->input, "Input JSON Lines file, or - for stdin")->capture_default_str();
  sub->add_option("-o,--output", flags->output, "Output JSON Lines file, or - for stdout")->capture_default_str();
  sub->add_option("-e,--errors", flags->errors,
                  "File for error records of rejected lines (JSON Lines); default stderr");
  sub->add_option("--duplicates", flags->routed,
                  "File for articles a processor routes away from the output (dedup policy "
                  "'route'); default: the output");
  sub->add_option("-w,--workers", flags->workers, "Worker threads (overrides pipeline.workers)")
      ->check(CLI::Range(1, 1024));
  sub->add_flag("-q,--quiet", flags->quiet, "No progress line and no summary on stderr");
  sub->footer(
      "Exit status: 0 all lines enriched (or dropped by policy), 3 finished but some lines were "
      "rejected (see the error records), 2 bad command line or configuration, 1 I/O error or "
      "interrupted.");
  return {sub, [flags] { return run_process(*flags); }};
}

}  // namespace newsflow
