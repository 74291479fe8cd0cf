#include "pipeline/model_path.h"

#include <system_error>
#include <vector>

namespace newsflow {

std::string resolve_model_path(const std::string& option, const std::filesystem::path& base_dir,
                               std::string& tried) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path given(option);
  std::vector<fs::path> candidates;
  if (given.is_absolute()) {
    candidates.push_back(given);
  } else {
    candidates.push_back(base_dir / given);
    // A binary in a build tree (build/app/newsflowd): the source tree is ../../ from it.
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(exe.parent_path() / "../../models" / given.filename());
  }
  tried.clear();
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c, ec)) return fs::weakly_canonical(c, ec).string();
    if (!tried.empty()) tried += ", ";
    tried += c.lexically_normal().string();
  }
  return {};
}

}  // namespace newsflow
