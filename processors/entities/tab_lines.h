#pragma once

#include <expected>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace newsflow {

// The whole file as bytes; the error names the file and why it cannot be read.
std::expected<std::string, std::string> read_whole_file(const std::filesystem::path& path);

// Calls `row(left, right)` for each "left<TAB>right" line of `text` (the entities data files:
// gazetteers, aliases), skipping empty lines and lines starting with '#'. A line without a
// tab or with an empty side, or a non-empty string returned by `row`, stops the reading with
// an error naming the line.
std::expected<void, std::string> for_each_tab_line(
    std::string_view text, const std::function<std::string(std::string_view, std::string_view)>& row);

// Reads a whole data file and parses it with `parse(text)` (a std::expected<T, std::string>);
// a parse error gets the file's name in front.
template <class Parse>
auto load_data_file(const std::filesystem::path& path, Parse parse) -> decltype(parse(std::string_view())) {
  const auto text = read_whole_file(path);
  if (!text) return std::unexpected(text.error());
  auto parsed = parse(*text);
  if (!parsed) return std::unexpected(path.string() + ": " + parsed.error());
  return parsed;
}

}  // namespace newsflow
