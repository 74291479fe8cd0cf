// Micro benchmarks of the per-article hot path. Figures, not tests: run
//   build/bench/pipeline_bench
// and record them in docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <string>

#include "pipeline/article_decoder.h"
#include "pipeline/article_encoder.h"
#include "pipeline/metrics.h"
#include "pipeline/processor_registry.h"
#include "processors/registry.h"

namespace newsflow {
namespace {

// A ~3 KB news article with typographic punctuation and a few extra fields.
std::string sample_article() {
  std::string text;
  const char* sentences[] = {
      "Speaking in Brussels, Ursula von der Leyen said that talks on grain exports had made \\u201creal progress\\u201d. ",
      "Shares of Siemens fell 2.4 percent in early trading after the announcement. ",
      "The agreement, worth about 35 billion euros, still needs approval from lawmakers in Madrid. ",
      "Police in S\\u00e3o Paulo said 41 people had been detained after protests over energy prices.\\n\\n",
  };
  for (int i = 0; text.size() < 3000; ++i) text += sentences[i % 4];
  return R"({"id":"bench-1","url":"https://www.example.com/world/2026/11/25/story","title":"Talks on grain exports make progress",)"
         R"("published_at":"2026-11-25T10:00:00Z","source":"Harbour Gazette","section":"world",)"
         R"("crawl":{"fetched_at":"2026-11-25T10:00:05Z","status":200},"text":")" +
         text + "\"}";
}

void bm_decode(benchmark::State& state) {
  const std::string json = sample_article();
  article_decoder decoder({});
  input_record record;
  article a;
  for (auto _ : state) {
    record.bytes = json;
    auto r = decoder.decode(record, a);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(bm_decode);

void bm_decode_encode(benchmark::State& state) {
  const std::string json = sample_article();
  article_decoder decoder({});
  article_encoder encoder({pipeline_info::full});
  input_record record;
  article a;
  std::string out;
  for (auto _ : state) {
    record.bytes = json;
    (void)decoder.decode(record, a);
    a.timings.push_back({"normalize", 12});
    encoder.encode(a, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(bm_decode_encode);

// Each built-in processor alone on the decoded sample article.
void bm_processor(benchmark::State& state, const char* name) {
  processor_registry registry;
  register_builtin_processors(registry);
  metrics_registry metrics;
  config_errors errors;
  processor_context context{metrics, ".", {}};
  YAML::Node options(YAML::NodeType::Map);
  options["type"] = name;
  auto p = registry.find(name)->factory(options, "bench", errors, context);
  if (!p) {
    state.SkipWithError(errors.joined().c_str());
    return;
  }
  const std::string json = sample_article();
  article_decoder decoder({});
  input_record record;
  record.bytes = json;
  article a;
  (void)decoder.decode(record, a);
  const std::string body = a.body;
  for (auto _ : state) {
    a.body = body;
    a.enrichment.clear();  // processors that write an enrichment member append to it
    auto r = p->process(a);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * a.text.value.size()));
}
BENCHMARK_CAPTURE(bm_processor, normalize, "normalize");
BENCHMARK_CAPTURE(bm_processor, langid, "langid");
BENCHMARK_CAPTURE(bm_processor, dedup, "dedup");

}  // namespace
}  // namespace newsflow

BENCHMARK_MAIN();
