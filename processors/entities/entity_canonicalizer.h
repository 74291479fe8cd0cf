#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace newsflow {

// One mention found in an article, with the canonical form to report for it.
struct entity_mention {
  std::string_view text;  // as written (in the analyzed headline or body)
  uint8_t type;           // index into entity_types
  std::string canonical;
};

// The `canonical` of each mention of one article:
//  - a listed alias takes its canonical form, whatever the type ("U.S.", "US", "USA" ->
//    "United States"; models/entity-aliases.tsv);
//  - a person named by part of a longer name mentioned in the same article takes that name
//    ("Blinken" and "Mr. Blinken" -> "Antony Blinken"; "Netanyahu" -> "Benjamin Netanyahu"),
//    when exactly one longer name fits;
//  - otherwise the mention itself, whitespace collapsed and "the" dropped in front.
class entity_canonicalizer {
 public:
  // "alias<TAB>canonical" lines; alias matching ignores case and periods ("U.S." = "us").
  static std::expected<std::shared_ptr<const entity_canonicalizer>, std::string> load(
      const std::filesystem::path& path);
  static std::expected<std::shared_ptr<const entity_canonicalizer>, std::string> parse(std::string_view text);
  entity_canonicalizer() = default;

  // Fills canonical for every mention of one article (title and text mentions together).
  void resolve(std::vector<entity_mention>& mentions) const;

 private:
  static std::string alias_key(std::string_view text);
  std::unordered_map<std::string, std::string> aliases_;
};

}  // namespace newsflow
