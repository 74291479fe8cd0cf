#include "processors/dedup/rocksdb_dedup_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "pipeline/metrics.h"
#include "processors/dedup/dedup_processor.h"
#include "processors/dedup/memory_dedup_store.h"

namespace newsflow {
namespace {

namespace fs = std::filesystem;

struct stream_article {
  std::string id, url, body;
};

// A generated stream with what dedup must get right across a restart: stories, exact and
// near copies (edits, truncation, other outlets' furniture), resends, and outlet furniture
// lines that become known as furniture along the way. Words come from a fixed invented
// vocabulary, so unrelated stories share common words but few shingles.
std::vector<stream_article> make_stream(size_t stories, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> words;
  const char* syll[] = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "de", "po", "ar", "en"};
  for (int i = 0; i < 3000; ++i) {
    std::string w;
    const int n = 2 + static_cast<int>(rng() % 3);
    for (int j = 0; j < n; ++j) w += syll[rng() % 12];
    words.push_back(w);
  }
  const auto paragraph = [&](int n) {
    std::string p;
    for (int i = 0; i < n; ++i) {
      if (i) p += ' ';
      // Zipf-like: common words often, rare words rarely.
      const double u = std::uniform_real_distribution<>(0, 1)(rng);
      p += words[static_cast<size_t>(u * u * u * 2999)];
    }
    return p + ".";
  };
  const std::string outlets[] = {"alpha", "beta", "gamma", "delta"};
  std::vector<std::string> headers, footers;
  for (int o = 0; o < 4; ++o) {
    headers.push_back("Published by the " + outlets[o] + " news desk. Follow us for more.");
    footers.push_back("Copyright " + outlets[o] + " media 2026. All rights reserved. Read more.");
  }
  std::vector<stream_article> out;
  std::vector<std::string> bodies;
  int n = 0;
  for (size_t s = 0; s < stories; ++s) {
    std::string body;
    for (int p = 0; p < 5; ++p) body += (p ? "\n\n" : "") + paragraph(25 + static_cast<int>(rng() % 20));
    bodies.push_back(body);
    const int o = static_cast<int>(rng() % 4);
    out.push_back({"s" + std::to_string(n++), "https://" + outlets[o] + ".example/" + std::to_string(s),
                   headers[o] + "\n\n" + body + "\n\n" + footers[o]});
    // Copies of a recent story: exact resends, other outlets, truncation, light edits.
    const size_t from = bodies.size() - 1 - rng() % std::min<size_t>(bodies.size(), 20);
    switch (rng() % 6) {
      case 0:
        out.push_back(out[out.size() - 1 - rng() % std::min<size_t>(out.size(), 3)]);
        out.back().id = "s" + std::to_string(n++);
        break;
      case 1: {
        const int o2 = static_cast<int>(rng() % 4);
        out.push_back({"s" + std::to_string(n++), "https://" + outlets[o2] + ".example/c" + std::to_string(s),
                       headers[o2] + "\n\n" + bodies[from] + "\n\n" + footers[o2]});
        break;
      }
      case 2:
        out.push_back({"s" + std::to_string(n++), "", bodies[from].substr(0, bodies[from].size() * 3 / 4)});
        break;
      case 3: {
        std::string edited = bodies[from];
        edited.insert(edited.size() / 2, " reportedly ");
        out.push_back({"s" + std::to_string(n++), "https://wire.example/x" + std::to_string(s),
                       "By a staff writer\n\n" + edited});
        break;
      }
      default:
        break;
    }
  }
  return out;
}

class RocksdbDedupStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/newsflow-dedup-state-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override { fs::remove_all(dir); }

  rocksdb_dedup_store::options store_options() const {
    rocksdb_dedup_store::options o;
    o.max_entries = static_cast<uint32_t>(opts.max_entries);
    o.format = {opts.num_hashes, opts.shingle_words, opts.bands, opts.furniture_stories};
    o.snapshot_every = 37;  // small, so restarts land between snapshots
    o.prune_every = 16;
    return o;
  }
  std::shared_ptr<rocksdb_dedup_store> open_store() {
    return std::make_shared<rocksdb_dedup_store>(dir, store_options(), clock - window_ms());
  }
  int64_t window_ms() const { return opts.window_hours * 3'600'000; }
  std::unique_ptr<dedup_processor> processor(std::shared_ptr<dedup_store> store) {
    return std::make_unique<dedup_processor>(opts, metrics, std::move(store), [this] { return clock; });
  }
  // The enrichment of each article, in order; the clock moves one second per article.
  std::vector<std::string> run(dedup_processor& p, const std::vector<stream_article>& s,
                               size_t begin, size_t end) {
    std::vector<std::string> decisions;
    for (size_t i = begin; i < end; ++i) {
      article a;
      a.clear();
      a.id.set(s[i].id);
      if (!s[i].url.empty()) a.url.set(s[i].url);
      a.body = s[i].body;
      clock += 1000;
      EXPECT_TRUE(p.process(a).has_value());
      decisions.push_back(a.enrichment);
    }
    return decisions;
  }
  std::vector<std::string> uninterrupted(const std::vector<stream_article>& s) {
    const int64_t start = clock;
    auto p = processor(nullptr);
    auto d = run(*p, s, 0, s.size());
    clock = start;
    return d;
  }

  fs::path dir;
  dedup_options opts;
  metrics_registry metrics;
  int64_t clock = 1'700'000'000'000;
};

size_t count(const std::vector<std::string>& d, std::string_view status) {
  size_t n = 0;
  for (const auto& x : d) n += x.find(status) != std::string::npos;
  return n;
}

TEST_F(RocksdbDedupStoreTest, RestartGivesTheDecisionsOfOneUninterruptedRun) {
  const auto stream = make_stream(300, 7);
  const auto expected = uninterrupted(stream);
  // The stream has every kind of decision, or the comparison proves little.
  ASSERT_GT(count(expected, "\"near_duplicate\""), 30u);
  ASSERT_GT(count(expected, "\"status\":\"duplicate\""), 30u);

  const size_t half = stream.size() / 2;
  std::vector<std::string> got;
  {
    auto p = processor(open_store());
    got = run(*p, stream, 0, half);
  }
  auto store = open_store();
  EXPECT_EQ(store->replayed(), got.size() - count(got, "\"status\":\"duplicate\""));
  auto p = processor(store);
  const auto rest = run(*p, stream, half, stream.size());
  got.insert(got.end(), rest.begin(), rest.end());
  EXPECT_EQ(got, expected);
}

TEST_F(RocksdbDedupStoreTest, RestartsAtEveryFewArticlesWithEvictionsStillAgree) {
  opts.max_entries = 60;  // most of the stream is evicted: pruning and replay-time eviction
  const auto stream = make_stream(200, 11);
  const auto expected = uninterrupted(stream);
  std::vector<std::string> got;
  for (size_t begin = 0; begin < stream.size(); begin += 45) {
    auto p = processor(open_store());
    const auto part = run(*p, stream, begin, std::min(stream.size(), begin + 45));
    got.insert(got.end(), part.begin(), part.end());
  }
  EXPECT_EQ(got, expected);
  // Dead entries are deleted from disk: what is replayed stays near max_entries.
  EXPECT_LE(open_store()->replayed(), 60u + store_options().prune_every);
}

TEST_F(RocksdbDedupStoreTest, AKilledProcessLosesNothingItWrote) {
  const auto stream = make_stream(200, 5);
  const auto expected = uninterrupted(stream);
  const size_t half = stream.size() / 2;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // No destructor runs: no closing snapshot, no flush beyond each write's own.
    auto p = processor(open_store());
    run(*p, stream, 0, half);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  clock += 1000 * static_cast<int64_t>(half);
  auto p = processor(open_store());
  const auto rest = run(*p, stream, half, stream.size());
  EXPECT_EQ(rest, std::vector<std::string>(expected.begin() + static_cast<ptrdiff_t>(half), expected.end()));
}

TEST_F(RocksdbDedupStoreTest, WhatTheWindowForgotIsNotRebuilt) {
  const auto stream = make_stream(20, 3);
  {
    auto p = processor(open_store());
    run(*p, stream, 0, stream.size());
  }
  EXPECT_GT(open_store()->size(), 0u);
  clock += window_ms() + 100'000;
  EXPECT_EQ(open_store()->size(), 0u);
}

TEST_F(RocksdbDedupStoreTest, StateOfOtherSettingsIsRefusedNamingThem) {
  { open_store(); }
  opts.num_hashes = 128;
  try {
    open_store();
    FAIL() << "opened state written with other settings";
  } catch (const dedup_state_error& e) {
    EXPECT_NE(std::string(e.what()).find("num_hashes=256"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("num_hashes=128"), std::string::npos) << e.what();
  }
}

// Replaces the state's format record, as another release (or another program) would have it.
void write_format_record(const fs::path& dir, const std::string& record) {
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.string(), &db).ok());
  EXPECT_TRUE(db->Put(rocksdb::WriteOptions(), "m", record).ok());
  delete db;
}

TEST_F(RocksdbDedupStoreTest, StateOfAnotherReleaseIsDroppedNotMisread) {
  const auto stream = make_stream(40, 3);
  {
    auto p = processor(open_store());
    run(*p, stream, 0, stream.size());
  }
  ASSERT_GT(open_store()->size(), 0u);
  write_format_record(dir, "newsflow dedup state v1: num_hashes=256 shingle_words=3 bands=16 "
                           "furniture_stories=4");
  EXPECT_EQ(open_store()->size(), 0u);  // an upgrade starts with an empty memory
  EXPECT_EQ(open_store()->size(), 0u);  // and the state is this release's from then on
  // Nothing of the first run is remembered: its articles are not seen as redeliveries.
  auto p = processor(open_store());
  run(*p, stream, 0, stream.size());
  EXPECT_EQ(metrics.get_counter("newsflow_dedup_redelivered_total", "", {}).value(), 0);
}

TEST_F(RocksdbDedupStoreTest, SignaturesStayOnDiskNotInMemory) {
  opts.furniture_stories = 0;  // no fixed-size furniture table in the comparison
  const auto stream = make_stream(100, 11);
  auto in_memory = std::make_shared<memory_dedup_store>(2 * opts.num_hashes, opts.bands,
                                                        static_cast<size_t>(opts.max_entries));
  const int64_t start = clock;
  auto p = processor(in_memory);
  const auto expected = run(*p, stream, 0, stream.size());
  clock = start;
  auto on_disk = open_store();
  auto q = processor(on_disk);
  EXPECT_EQ(run(*q, stream, 0, stream.size()), expected);  // same decisions, signatures read back
  ASSERT_EQ(on_disk->size(), in_memory->size());
  EXPECT_GE(in_memory->memory_bytes() - on_disk->memory_bytes(),
            on_disk->size() * 2 * opts.num_hashes * sizeof(minhash_value));
}

TEST_F(RocksdbDedupStoreTest, AGapInTheJournalForgetsWhatCameBeforeIt) {
  const auto stream = make_stream(30, 13);
  size_t remembered = 0;
  {
    auto store = open_store();
    auto p = processor(store);
    run(*p, stream, 0, stream.size());
    remembered = store->size();
  }
  ASSERT_GT(remembered, 20u);
  {  // insert 10 lost, as after a failed write
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.string(), &db).ok());
    std::string k(9, '\0');
    k[0] = 'i';
    k[8] = 10;
    EXPECT_TRUE(db->Delete(rocksdb::WriteOptions(), k).ok());
    delete db;
  }
  EXPECT_EQ(open_store()->size(), remembered - 11);
}

TEST_F(RocksdbDedupStoreTest, AFormatRecordThatIsNotOursIsRefused) {
  { open_store(); }
  write_format_record(dir, "some other database");
  EXPECT_THROW(open_store(), dedup_state_error);
}

TEST_F(RocksdbDedupStoreTest, ADirectoryInUseIsRefused) {
  auto first = open_store();
  EXPECT_THROW(open_store(), dedup_state_error);
}

TEST_F(RocksdbDedupStoreTest, FactoryReportsStateErrorsUnderStateDir) {
  processor_context context{metrics, dir, YAML::Node(YAML::NodeType::Map)};
  config_errors errors;
  auto held = open_store();  // the directory is locked by another user
  YAML::Node options = YAML::Load("{type: dedup, state_dir: .}");
  EXPECT_EQ(make_dedup_processor(options, "chain[2]", errors, context), nullptr);
  ASSERT_EQ(errors.all().size(), 1u);
  EXPECT_EQ(errors.all()[0].rfind("chain[2].state_dir: dedup state", 0), 0u) << errors.all()[0];
  // check-config validates without opening it.
  config_errors none;
  context.validate_only = true;
  EXPECT_NE(make_dedup_processor(options, "chain[2]", none, context), nullptr);
  EXPECT_TRUE(none.empty());
}

TEST_F(RocksdbDedupStoreTest, RedeliveredArticlesGetTheirFirstDecisionAfterARestart) {
  const auto stream = make_stream(60, 9);
  std::vector<std::string> first;
  {
    auto p = processor(open_store());
    first = run(*p, stream, 0, stream.size());
  }
  auto store = open_store();
  const size_t remembered = store->size();
  auto p = processor(store);
  EXPECT_EQ(run(*p, stream, 0, stream.size()), first);
  EXPECT_EQ(store->size(), remembered);
}

}  // namespace
}  // namespace newsflow
