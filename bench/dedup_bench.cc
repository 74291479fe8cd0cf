// Dedup at scale: per-article cost with many articles remembered, and memory per remembered
// article. Figures, not tests:
//   build/bench/dedup_bench                                  # 100,000 and 1,000,000 remembered
//   build/bench/dedup_bench --benchmark_filter=/100000       # the quick one
//   build/bench/dedup_bench --benchmark_filter=state_dir     # signatures on disk (RocksDB)
//   build/bench/dedup_bench --benchmark_filter=redis         # in Redis (a redis-server of its own)
//
// Bodies are ~3 KB of generated text: words drawn from a 50,000-word vocabulary with a Zipf
// law (s = 1), as in natural language, so unrelated articles share common words and a few
// common word triples but hardly any rarer ones — the load a real stream puts on MinHash-LSH
// buckets. The store is filled with `remembered` distinct articles first (not timed), then
// each timed iteration processes one new article: 1 in 10 a near copy of a recent one (a
// header line added, the last paragraph cut), the rest new stories.
#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "pipeline/article.h"
#include "pipeline/metrics.h"
#include "processors/dedup/dedup_processor.h"
#include "processors/dedup/redis_connection.h"
#include "processors/dedup/redis_dedup_store.h"
#include "processors/dedup/rocksdb_dedup_store.h"
#include "processors/dedup/tests/redis_test_server.h"

namespace newsflow {
namespace {

class text_generator {
 public:
  explicit text_generator(uint64_t seed) : rng_(seed) {
    std::mt19937_64 vocab_rng(42);
    const char* syllables[] = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "de", "po", "ar",
                               "en", "is", "ul", "or", "ba", "ce", "fu", "go", "hi", "je", "mo"};
    double total = 0;
    for (int i = 0; i < 50'000; ++i) {
      std::string w;
      const int n = 1 + static_cast<int>(vocab_rng() % 4);
      for (int j = 0; j < n; ++j) w += syllables[vocab_rng() % 22];
      words_.push_back(w);
      total += 1.0 / (i + 1);
      cumulative_.push_back(total);
    }
    for (double& c : cumulative_) c /= total;
  }

  // About `bytes` of text in paragraphs of sentences.
  void body(size_t bytes, std::string& out) {
    out.clear();
    std::uniform_real_distribution<double> u(0, 1);
    while (out.size() < bytes) {
      const int sentences = 2 + static_cast<int>(rng_() % 3);
      for (int s = 0; s < sentences; ++s) {
        const int n = 12 + static_cast<int>(rng_() % 14);
        for (int i = 0; i < n; ++i) {
          const auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), u(rng_));
          out += words_[static_cast<size_t>(it - cumulative_.begin())];
          out += i + 1 < n ? ' ' : '.';
        }
        out += ' ';
      }
      out += "\n\n";
    }
  }
  uint64_t next() { return rng_(); }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> words_;
  std::vector<double> cumulative_;
};

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// The store of the benchmark: in memory (nullptr: the processor's default) or on disk.
using store_factory = std::shared_ptr<dedup_store> (*)(const dedup_options&);

std::shared_ptr<dedup_store> in_memory(const dedup_options&) { return nullptr; }

// A RocksDB state in a fresh temporary directory (removed when the store is destroyed).
std::shared_ptr<dedup_store> on_disk(const dedup_options& o) {
  char tmpl[] = "/tmp/newsflow-dedup-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) std::abort();
  const std::filesystem::path dir = tmpl;
  rocksdb_dedup_store::options ro;
  ro.max_entries = static_cast<uint32_t>(o.max_entries);
  ro.format = {o.num_hashes, o.shingle_words, o.bands, o.furniture_stories};
  auto* store = new rocksdb_dedup_store(dir, ro, 0);
  return std::shared_ptr<dedup_store>(store, [dir](rocksdb_dedup_store* s) {
    delete s;
    std::filesystem::remove_all(dir);
  });
}

// A redis-server of the benchmark's own on a Unix socket (Debian's redis-server), emptied
// for each store; Redis's memory per remembered entry is what used_memory grew by.
testing::redis_test_server& bench_redis() {
  static testing::redis_test_server server;
  return server;
}

uint64_t redis_used_memory() {
  redis_store_options o;
  o.address = bench_redis().address();
  redis_connection c(o, {});
  redis_args args;
  args.add("INFO").add("memory");
  const redis_reply r = c.command(args);
  if (!r) std::abort();
  const std::string_view info(r->str, r->len);
  const size_t at = info.find("used_memory:");
  return std::strtoull(info.data() + at + 12, nullptr, 10);
}

std::shared_ptr<dedup_store> in_redis(const dedup_options& o) {
  redis_store_options r;
  r.address = bench_redis().address();
  {
    redis_connection c(r, {});
    redis_args flush;
    flush.add("FLUSHALL");
    if (!c.command(flush)) std::abort();
  }
  redis_dedup_store::options options = redis_dedup_store::options_for(o);
  options.redis = r;
  return std::make_shared<redis_dedup_store>(options);
}

void bm_dedup_remembered(benchmark::State& state, store_factory make_store) {
  const auto remembered = static_cast<size_t>(state.range(0));
  metrics_registry metrics;
  dedup_options options;
  options.max_entries = static_cast<int64_t>(remembered);
  int64_t now = 1'700'000'000'000;
  const bool redis = make_store == in_redis;
  dedup_processor p(options, metrics, make_store(options), [&now] { return now; });
  const uint64_t redis_before = redis ? redis_used_memory() : 0;
  text_generator gen(7);
  article a;
  std::string body;
  size_t n = 0;
  std::string id;
  const auto process_one = [&](const std::string& text) {
    a.clear();
    char buf[24];
    id.assign(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "a%zu", n++)));
    a.id.set(id);
    a.body = text;
    now += 10;
    auto r = p.process(a);
    benchmark::DoNotOptimize(r);
  };
  for (size_t i = 0; i < remembered; ++i) {
    gen.body(3000, body);
    process_one(body);
  }
  const double bytes_per_entry =
      static_cast<double>(redis ? redis_used_memory() - redis_before : p.store().memory_bytes()) /
      static_cast<double>(p.store().size());

  // The timed articles are made beforehand, so the loop times dedup alone.
  std::vector<std::string> timed;
  size_t near = 0;
  for (size_t i = 0; i < 20'000; ++i) {
    if (i % 10 == 9) {
      const std::string& from = timed[i - 1 - gen.next() % 8];
      std::string copy = "From our correspondent.\n\n";
      copy.append(from, 0, from.rfind("\n\n", from.size() - 3));
      timed.push_back(std::move(copy));
      ++near;
    } else {
      gen.body(3000, body);
      timed.push_back(body);
    }
  }
  size_t next = 0;
  for (auto _ : state) process_one(timed[next++ % timed.size()]);
  state.counters["articles_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["bytes_per_entry"] = bytes_per_entry;
  state.counters["peak_rss_MiB"] = static_cast<double>(peak_rss_kib()) / 1024.0;
  state.counters["near_found"] = static_cast<double>(
      metrics.get_counter("newsflow_dedup_duplicates_total", "", {{"kind", "near"}}).value());
  state.counters["near_sent"] = static_cast<double>(std::min<size_t>(near, state.iterations() / 10));
}
BENCHMARK_CAPTURE(bm_dedup_remembered, memory, in_memory)
    ->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond)->Iterations(20'000);
// With state_dir: signatures are read back from the journal for candidates only.
BENCHMARK_CAPTURE(bm_dedup_remembered, state_dir, on_disk)
    ->Arg(1'000'000)->Unit(benchmark::kMicrosecond)->Iterations(20'000);
// In Redis: one round trip per article to a local redis-server (Unix socket);
// bytes_per_entry is Redis's memory, not the process's.
BENCHMARK_CAPTURE(bm_dedup_remembered, redis, in_redis)
    ->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond)->Iterations(20'000);

}  // namespace
}  // namespace newsflow

BENCHMARK_MAIN();
