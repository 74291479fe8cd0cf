#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow {

// A topic the development broker creates: its name and partition count.
struct topic_spec {
  std::string name;
  int partitions = 1;
};

// The partition counts devbroker accepts. The mock allocates every partition up front, so an
// absurd count is a typo, not a wish.
inline constexpr int min_topic_partitions = 1;
inline constexpr int max_topic_partitions = 10000;

// Why `name` is not a legal Kafka topic name (1..249 characters of [a-zA-Z0-9._-], not "."
// or ".."), or nothing when it is.
std::optional<std::string> topic_name_error(std::string_view name);

// Checks name and partition count; the error says which item is wrong and why.
std::expected<void, std::string> validate_topic_spec(const topic_spec& topic);

// Parses "name:partitions,name:partitions,..." (the --topics flag). An empty list is valid.
// Errors name the bad item, e.g. "'news:0': partitions must be 1..10000".
std::expected<std::vector<topic_spec>, std::string> parse_topic_list(std::string_view list);

}  // namespace newsflow
