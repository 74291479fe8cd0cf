#include "processors/entities/tab_lines.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace newsflow {

std::expected<std::string, std::string> read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::unexpected(fmt::format("cannot read {}", path.string()));
  return bytes;
}

std::expected<void, std::string> for_each_tab_line(
    std::string_view text, const std::function<std::string(std::string_view, std::string_view)>& row) {
  size_t line_number = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0 || tab + 1 == line.size())
      return std::unexpected(fmt::format("line {}: expected two fields separated by a tab", line_number));
    if (std::string error = row(line.substr(0, tab), line.substr(tab + 1)); !error.empty())
      return std::unexpected(fmt::format("line {}: {}", line_number, error));
  }
  return {};
}

}  // namespace newsflow
