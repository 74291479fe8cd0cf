#include "connectors/devbroker/topic_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace newsflow {
namespace {

// Kafka's own limit (kafka.common.internals.Topic.MAX_NAME_LENGTH).
constexpr size_t max_topic_name_length = 249;

bool legal_topic_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string partitions_error() {
  return fmt::format("partitions must be {}..{}", min_topic_partitions, max_topic_partitions);
}

}  // namespace

std::optional<std::string> topic_name_error(std::string_view name) {
  if (name.empty()) return "topic name is empty";
  if (name.size() > max_topic_name_length)
    return fmt::format("topic name is longer than {} characters", max_topic_name_length);
  if (name == "." || name == "..") return "topic name cannot be '.' or '..'";
  for (char c : name)
    if (!legal_topic_char(c))
      return "topic name may only contain letters, digits, '.', '_' and '-'";
  return std::nullopt;
}

std::expected<void, std::string> validate_topic_spec(const topic_spec& topic) {
  if (auto error = topic_name_error(topic.name))
    return std::unexpected(fmt::format("'{}': {}", topic.name, *error));
  if (topic.partitions < min_topic_partitions || topic.partitions > max_topic_partitions)
    return std::unexpected(fmt::format("'{}': {}", topic.name, partitions_error()));
  return {};
}

std::expected<std::vector<topic_spec>, std::string> parse_topic_list(std::string_view list) {
  std::vector<topic_spec> topics;
  if (trim(list).empty()) return topics;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string_view item = trim(list.substr(start, comma - start));
    start = comma + 1;

    const size_t colon = item.rfind(':');
    if (colon == std::string_view::npos)
      return std::unexpected(fmt::format("'{}': expected name:partitions", item));
    topic_spec topic{std::string(item.substr(0, colon)), 0};
    const std::string_view count = item.substr(colon + 1);
    const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), topic.partitions);
    if (count.empty() || ec != std::errc() || end != count.data() + count.size() ||
        topic.partitions < min_topic_partitions || topic.partitions > max_topic_partitions)
      return std::unexpected(fmt::format("'{}': {}", item, partitions_error()));
    if (auto error = topic_name_error(topic.name))
      return std::unexpected(fmt::format("'{}': {}", item, *error));
    for (const auto& seen : topics)
      if (seen.name == topic.name)
        return std::unexpected(fmt::format("'{}': topic '{}' is listed twice", item, topic.name));
    topics.push_back(std::move(topic));
  }
  return topics;
}

}  // namespace newsflow
