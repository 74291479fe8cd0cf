#include "pipeline/runner.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fake_processors.h"

namespace newsflow {
namespace {

struct collected {
  uint64_t sequence;
  outcome kind;
  std::string output;
  std::string reason;
  std::string processor;
  int64_t position;
};

class collecting_sink final : public record_sink {
 public:
  void deliver(const result_view& r) override {
    results.push_back({r.sequence, r.kind, std::string(r.output), r.error ? r.error->code : "",
                       r.error ? r.error->processor : "", r.record.position});
  }
  std::vector<collected> results;
};

// Runs upper, judge and an in-order counter (split in two steps with `split`).
std::vector<collected> run(const std::vector<std::string>& inputs, unsigned workers,
                           size_t max_in_flight, metrics_registry* metrics_out = nullptr,
                           bool split = false) {
  metrics_registry own_metrics;
  metrics_registry& metrics = metrics_out ? *metrics_out : own_metrics;
  std::vector<std::unique_ptr<processor>> ps;
  ps.push_back(std::make_unique<testing::upper_processor>());
  ps.push_back(std::make_unique<testing::judge_processor>());
  if (split)
    ps.push_back(std::make_unique<testing::split_counter_processor>());
  else
    ps.push_back(std::make_unique<testing::counter_processor>());
  chain c(std::move(ps), metrics);
  collecting_sink sink;
  {
    runner r(c, {}, {pipeline_info::none}, sink, metrics, {workers, max_in_flight});
    int64_t line = 0;
    for (const auto& in : inputs) {
      input_record* rec = nullptr;
      while (!(rec = r.acquire(std::chrono::milliseconds(100)))) {
      }
      rec->bytes = in;
      rec->position = ++line;
      r.submit();
    }
    r.finish();
    auto t = r.totals();
    EXPECT_EQ(t.submitted, inputs.size());
    EXPECT_EQ(t.published + t.dropped + t.rejected, inputs.size());
  }
  return sink.results;
}

std::vector<std::string> inputs(int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) {
    if (i % 17 == 5) v.push_back("{not json");
    else if (i % 13 == 7) v.push_back(R"({"text":"please fail"})");
    else if (i % 11 == 3) v.push_back(R"({"text":"drop me"})");
    else v.push_back(R"({"text":"article )" + std::string(static_cast<size_t>(i % 7), 'x') + " " + std::to_string(i) + "\"}");
  }
  return v;
}

TEST(chain, groups_processors_into_parallel_and_in_order_stages) {
  metrics_registry metrics;
  std::vector<std::unique_ptr<processor>> ps;
  ps.push_back(std::make_unique<testing::upper_processor>());
  ps.push_back(std::make_unique<testing::judge_processor>());
  ps.push_back(std::make_unique<testing::counter_processor>());
  ps.push_back(std::make_unique<testing::upper_processor>());
  chain c(std::move(ps), metrics);
  ASSERT_EQ(c.stages().size(), 3u);
  EXPECT_FALSE(c.stages()[0].in_order);
  EXPECT_EQ(c.stages()[0].end, 2u);
  EXPECT_TRUE(c.stages()[1].in_order);
  EXPECT_FALSE(c.stages()[2].in_order);
}

TEST(chain, gives_a_split_in_order_processor_two_in_order_stages_and_one_timing) {
  metrics_registry metrics;
  std::vector<std::unique_ptr<processor>> ps;
  ps.push_back(std::make_unique<testing::upper_processor>());
  ps.push_back(std::make_unique<testing::split_counter_processor>());
  chain c(std::move(ps), metrics);
  ASSERT_EQ(c.stages().size(), 3u);
  EXPECT_FALSE(c.stages()[0].in_order);
  EXPECT_TRUE(c.stages()[1].in_order);
  EXPECT_TRUE(c.stages()[1].begin_step);
  EXPECT_TRUE(c.stages()[2].in_order);
  EXPECT_FALSE(c.stages()[2].begin_step);
  EXPECT_EQ(c.stages()[1].begin, c.stages()[2].begin);
  article a;
  a.clear();
  a.body = "text";
  for (size_t s = 0; s < c.stages().size(); ++s) ASSERT_TRUE(c.run_stage(s, a).has_value());
  ASSERT_EQ(a.timings.size(), 2u);  // upper, split (begin and process together)
  EXPECT_EQ(a.timings[1].processor, "split");
  EXPECT_EQ(metrics.get_histogram("newsflow_processor_duration_seconds", "", {{"processor", "split"}}).count(), 1u);
}

TEST(runner, a_split_in_order_processor_sees_both_steps_in_input_order_with_any_workers) {
  const auto in = inputs(400);
  std::vector<std::vector<collected>> outputs;
  for (unsigned workers : {1u, 2u, 4u, 8u}) {
    const std::vector<collected> results = run(in, workers, 16, nullptr, true);
    uint64_t counted = 0;
    for (const collected& o : results) {
      if (o.kind != outcome::published) continue;
      EXPECT_NE(o.output.find("\"n\":" + std::to_string(counted) + "}"), std::string::npos)
          << workers << " workers: " << o.output;
      ++counted;
    }
    outputs.push_back(results);
  }
  for (size_t w = 1; w < outputs.size(); ++w) {
    ASSERT_EQ(outputs[w].size(), outputs[0].size());
    for (size_t i = 0; i < outputs[0].size(); ++i) EXPECT_EQ(outputs[w][i].output, outputs[0][i].output);
  }
}

TEST(runner, delivers_in_input_order_with_each_outcome) {
  const auto in = inputs(200);
  const auto out = run(in, 4, 16);
  ASSERT_EQ(out.size(), in.size());
  uint64_t counted = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].sequence, i);
    EXPECT_EQ(out[i].position, static_cast<int64_t>(i + 1));
    if (in[i] == "{not json") {
      EXPECT_EQ(out[i].kind, outcome::rejected);
      EXPECT_EQ(out[i].processor, "decode");
    } else if (in[i].find("fail") != std::string::npos) {
      EXPECT_EQ(out[i].kind, outcome::rejected);
      EXPECT_EQ(out[i].reason, "judge.refused");
      EXPECT_EQ(out[i].processor, "judge");
    } else if (in[i].find("drop") != std::string::npos) {
      EXPECT_EQ(out[i].kind, outcome::dropped);
    } else {
      ASSERT_EQ(out[i].kind, outcome::published);
      // The in-order processor numbered the published articles in input order.
      EXPECT_NE(out[i].output.find("\"n\":" + std::to_string(counted) + "}"), std::string::npos)
          << out[i].output;
      ++counted;
    }
  }
}

TEST(runner, output_is_identical_whatever_the_number_of_workers) {
  const auto in = inputs(500);
  const auto one = run(in, 1, 4);
  for (unsigned workers : {2u, 3u, 8u}) {
    const auto many = run(in, workers, 7);
    ASSERT_EQ(many.size(), one.size());
    for (size_t i = 0; i < one.size(); ++i) {
      EXPECT_EQ(many[i].kind, one[i].kind);
      EXPECT_EQ(many[i].output, one[i].output);
    }
  }
}

TEST(runner, counts_every_outcome_in_the_metrics) {
  metrics_registry metrics;
  const auto in = inputs(100);
  const auto out = run(in, 2, 8, &metrics);
  size_t published = 0, dropped = 0, bad_json = 0, refused = 0;
  for (const auto& r : out) {
    published += r.kind == outcome::published;
    dropped += r.kind == outcome::dropped;
    bad_json += r.processor == "decode";
    refused += r.reason == "judge.refused";
  }
  const std::string text = metrics.render_prometheus();
  EXPECT_NE(text.find("newsflow_articles_in_total 100\n"), std::string::npos) << text;
  EXPECT_NE(text.find("newsflow_articles_out_total " + std::to_string(published) + "\n"), std::string::npos);
  EXPECT_NE(text.find("newsflow_articles_dropped_total " + std::to_string(dropped) + "\n"), std::string::npos);
  EXPECT_NE(text.find("newsflow_articles_rejected_total{reason=\"judge.refused\",processor=\"judge\"} " +
                      std::to_string(refused) + "\n"),
            std::string::npos);
  std::map<std::string, size_t> decode_reasons;
  for (const auto& r : out)
    if (r.processor == "decode") decode_reasons[r.reason]++;
  for (const auto& [reason, n] : decode_reasons)
    EXPECT_NE(text.find("newsflow_articles_rejected_total{reason=\"" + reason + "\",processor=\"decode\"} " +
                        std::to_string(n) + "\n"),
              std::string::npos);
  EXPECT_NE(text.find("newsflow_processor_duration_seconds_count{processor=\"upper\"} " +
                      std::to_string(100 - bad_json) + "\n"),
            std::string::npos);
}

// Delivery waits while the test holds `gate`: inputs stay in flight.
struct gated_sink final : record_sink {
  std::mutex gate;
  void deliver(const result_view&) override { std::lock_guard lock(gate); }
};

TEST(runner, acquire_times_out_when_max_in_flight_inputs_are_undelivered) {
  metrics_registry metrics;
  chain c({}, metrics);
  gated_sink sink;
  std::unique_lock hold(sink.gate);  // the sink cannot take anything yet
  runner r(c, {}, {}, sink, metrics, {2, 3});
  for (int i = 0; i < 3; ++i) {
    input_record* rec = r.acquire(std::chrono::milliseconds(1000));
    ASSERT_NE(rec, nullptr);
    rec->bytes = R"({"text":"x"})";
    r.submit();
  }
  EXPECT_EQ(r.acquire(std::chrono::milliseconds(50)), nullptr);  // backpressure
  EXPECT_EQ(r.in_flight(), 3u);
  hold.unlock();
  input_record* rec = r.acquire(std::chrono::milliseconds(5000));
  ASSERT_NE(rec, nullptr);
  r.cancel_acquire();
  r.finish();
  EXPECT_EQ(r.totals().published, 3u);
}

std::string message_of_size(size_t n) {
  std::string m = R"({"text":")";
  m.append(n, 'x');
  return m + "\"}";
}

TEST(runner, acquire_waits_while_in_flight_inputs_add_up_to_max_in_flight_bytes) {
  metrics_registry metrics;
  chain c({}, metrics);
  gated_sink sink;
  std::unique_lock hold(sink.gate);
  runner_options options{1, 10};
  options.max_in_flight_bytes = 1 << 20;
  runner r(c, {}, {}, sink, metrics, options);
  for (int i = 0; i < 2; ++i) {  // 600 KB + 600 KB: the second still starts below the limit
    input_record* rec = r.acquire(std::chrono::milliseconds(1000));
    ASSERT_NE(rec, nullptr);
    rec->bytes = message_of_size(600'000);
    r.submit();
  }
  EXPECT_EQ(r.acquire(std::chrono::milliseconds(50)), nullptr);  // 2 of 10 slots, but the bytes are full
  EXPECT_FALSE(r.at_most(0.5));
  hold.unlock();
  input_record* rec = r.acquire(std::chrono::milliseconds(5000));
  ASSERT_NE(rec, nullptr);
  r.cancel_acquire();
  r.finish();
  EXPECT_TRUE(r.at_most(0.5));
  EXPECT_EQ(r.totals().published, 2u);
}

TEST(runner, one_input_larger_than_max_in_flight_bytes_still_goes_through) {
  metrics_registry metrics;
  chain c({}, metrics);
  collecting_sink sink;
  runner_options options{1, 4};
  options.max_in_flight_bytes = 1 << 20;
  runner r(c, {}, {pipeline_info::none}, sink, metrics, options);
  for (size_t size : {3'000'000, 10, 2'000'000}) {
    input_record* rec = r.acquire(std::chrono::milliseconds(5000));
    ASSERT_NE(rec, nullptr);
    rec->bytes = message_of_size(size);
    r.submit();
  }
  r.finish();
  ASSERT_EQ(sink.results.size(), 3u);
  for (const auto& result : sink.results) EXPECT_EQ(result.kind, outcome::published);
  EXPECT_GT(sink.results[0].output.size(), 3'000'000u);
}

TEST(runner, a_slot_frees_what_a_big_input_grew_and_keeps_ordinary_buffers) {
  metrics_registry metrics;
  chain c({}, metrics);
  collecting_sink sink;
  runner_options options{1, 1};  // one slot: every acquire gets the same record back
  runner r(c, {}, {pipeline_info::none}, sink, metrics, options);
  auto through = [&](size_t size) {
    input_record* rec = r.acquire(std::chrono::milliseconds(5000));
    EXPECT_NE(rec, nullptr);
    rec->bytes = message_of_size(size);
    r.submit();
    rec = r.acquire(std::chrono::milliseconds(5000));  // waits until that one is delivered
    EXPECT_NE(rec, nullptr);
    const size_t kept = rec->bytes.capacity();
    r.cancel_acquire();
    return kept;
  };
  EXPECT_GE(through(20'000), 20'000u);                         // an ordinary article: kept for the next
  EXPECT_LE(through(5'000'000), options.retain_buffer_bytes);  // one big one: given back
  r.finish();
  EXPECT_EQ(sink.results.size(), 2u);
}

}  // namespace
}  // namespace newsflow
