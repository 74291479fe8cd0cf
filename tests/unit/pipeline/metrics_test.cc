#include "pipeline/metrics.h"

#include <gtest/gtest.h>

namespace newsflow {
namespace {

TEST(metrics, same_name_and_labels_give_the_same_metric) {
  metrics_registry r;
  auto& a = r.get_counter("x_total", "help", {{"k", "v"}});
  auto& b = r.get_counter("x_total", "help", {{"k", "v"}});
  auto& c = r.get_counter("x_total", "help", {{"k", "w"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(metrics, renders_prometheus_text_format) {
  metrics_registry r;
  r.get_counter("newsflow_articles_in_total", "Input messages.").inc(3);
  r.get_gauge("newsflow_queue_depth", "Queued.", {{"queue", "work"}}).set(-2);
  auto& h = r.get_histogram("newsflow_step_seconds", "Step time.", {{"processor", "a\"b"}});
  h.observe_us(3);
  h.observe_us(40'000'000);  // above the last bound
  const std::string text = r.render_prometheus();
  EXPECT_NE(text.find("# HELP newsflow_articles_in_total Input messages.\n"
                      "# TYPE newsflow_articles_in_total counter\n"
                      "newsflow_articles_in_total 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("newsflow_queue_depth{queue=\"work\"} -2\n"), std::string::npos);
  EXPECT_NE(text.find("newsflow_step_seconds_bucket{processor=\"a\\\"b\",le=\"5e-06\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("newsflow_step_seconds_bucket{processor=\"a\\\"b\",le=\"10\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("newsflow_step_seconds_bucket{processor=\"a\\\"b\",le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("newsflow_step_seconds_sum{processor=\"a\\\"b\"} 40.000003\n"), std::string::npos);
  EXPECT_NE(text.find("newsflow_step_seconds_count{processor=\"a\\\"b\"} 2\n"), std::string::npos);
}

TEST(metrics, a_gauge_family_set_as_a_whole_forgets_series_left_out) {
  metrics_registry r;
  r.set_gauge_family("lag", "Lag.", {{{{"partition", "0"}}, 5}, {{{"partition", "1"}}, 7}});
  r.set_gauge_family("lag", "Lag.", {{{{"partition", "1"}}, 2}});  // partition 0 given away
  const std::string text = r.render_prometheus();
  EXPECT_EQ(text.find("lag{partition=\"0\"}"), std::string::npos) << text;
  EXPECT_NE(text.find("lag{partition=\"1\"} 2\n"), std::string::npos) << text;
}

TEST(metrics, one_name_cannot_have_two_types) {
  metrics_registry r;
  r.get_counter("m", "h");
  EXPECT_THROW(r.get_gauge("m", "h"), std::logic_error);
}

}  // namespace
}  // namespace newsflow
