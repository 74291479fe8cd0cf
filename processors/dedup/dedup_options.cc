#include "processors/dedup/dedup_options.h"

#include <fmt/format.h>

#include "pipeline/options_reader.h"

namespace newsflow {

dedup_options parse_dedup_options(const YAML::Node& node, const std::string& path,
                                  config_errors& errors, YAML::Node* effective) {
  dedup_options opts;
  options_reader r(node, path, errors, effective);
  r.skip("type");
  std::string policy = "mark";
  r.read_choice("policy", policy, {"mark", "drop", "route"});
  opts.policy = policy == "drop"    ? dedup_policy::drop
                : policy == "route" ? dedup_policy::route
                                    : dedup_policy::mark;
  r.read("window_hours", opts.window_hours, 1, 24 * 365 * 10);
  r.read("max_entries", opts.max_entries, 1, (int64_t{1} << 31) - 1);
  r.read("shingle_words", opts.shingle_words, 1, 8);
  r.read("num_hashes", opts.num_hashes, 16, 1024);
  r.read("bands", opts.bands, 1, 64);
  r.read("min_containment", opts.min_containment, 0.0, 1.0);
  r.read("min_jaccard", opts.min_jaccard, 0.0, 1.0);
  r.read("min_combined", opts.min_combined, 0.0, 2.0);
  r.read("max_number_gap", opts.max_number_gap, 0.0, 1.0);
  r.read("furniture_stories", opts.furniture_stories, 0, 255);
  r.read("state_dir", opts.state_dir);
  std::string store = "embedded";
  r.read_choice("store", store, {"embedded", "redis"});
  opts.redis = store == "redis";
  const YAML::Node redis = r.child("redis");
  if (redis.IsDefined() && !redis.IsNull()) {
    if (!opts.redis)
      errors.add(r.path_of("redis"), "only used with store: redis");
    else if (!redis.IsMap())
      errors.add(r.path_of("redis"), "must be a mapping");
  }
  if (opts.redis) {
    YAML::Node effective_redis;
    options_reader rr(redis.IsMap() ? redis : YAML::Node(YAML::NodeType::Map), r.path_of("redis"),
                      errors, effective ? &effective_redis : nullptr);
    redis_store_options& ro = opts.redis_options;
    rr.read("address", ro.address);
    rr.read("username", ro.username);
    rr.read("password", ro.password);
    rr.read("database", ro.database, 0, 1 << 20);
    rr.read("key_prefix", ro.key_prefix);
    rr.read("timeout_ms", ro.timeout_ms, 1, 60'000);
    std::string policy = "unknown";
    rr.read_choice("on_unavailable", policy, {"unknown", "pause"});
    ro.on_unavailable = policy == "pause" ? unavailable_policy::pause : unavailable_policy::unknown;
    rr.read("retry_ms", ro.retry_ms, 1, 600'000);
    if (ro.address.empty()) errors.add(rr.path_of("address"), "must not be empty");
    if (ro.address.starts_with("unix:") && ro.address.size() == 5)
      errors.add(rr.path_of("address"), "unix: needs a socket path");
    if (ro.key_prefix.empty() || ro.key_prefix.find_first_of("{}") != std::string::npos)
      errors.add(rr.path_of("key_prefix"), "must be non-empty and without braces");
    rr.finish();
    if (effective) {
      effective_redis["password"] = ro.password.empty() ? "" : "(set)";
      (*effective)["redis"] = effective_redis;
    }
    if (!opts.state_dir.empty())
      errors.add(r.path_of("state_dir"), "not used with store: redis (Redis keeps the state)");
  }
  if (opts.bands > opts.num_hashes)
    errors.add(r.path_of("bands"), fmt::format("must not exceed num_hashes ({})", opts.num_hashes));
  r.finish();
  return opts;
}

}  // namespace newsflow
