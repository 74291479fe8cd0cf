#include "processors/entities/entity_canonicalizer.h"



#include "processors/entities/ner_labels.h"
#include "processors/entities/tab_lines.h"

namespace newsflow {
namespace {

// Words of a mention: split on spaces.
std::vector<std::string_view> words_of(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool title_word(std::string_view w) {
  static constexpr std::string_view titles[] = {"Mr.", "Mrs.", "Ms.", "Dr.", "Mr", "Mrs", "Ms", "Dr",
                                                "President", "Prime", "Minister", "Secretary",
                                                "General", "Gen.", "Sen.", "Senator", "Rep."};
  for (std::string_view t : titles)
    if (w == t) return true;
  return false;
}

// The mention with whitespace runs collapsed and a leading "the" dropped.
std::string plain(std::string_view text) {
  std::string out;
  for (std::string_view w : words_of(text)) {
    if (out.empty() && (w == "the" || w == "The")) continue;
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out.empty() ? std::string(text) : out;
}

}  // namespace

std::string entity_canonicalizer::alias_key(std::string_view text) {
  std::string key;
  for (char c : text) {
    if (c == '.') continue;
    key += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c == '\t' ? ' ' : c;
  }
  return plain(key);
}

std::expected<std::shared_ptr<const entity_canonicalizer>, std::string> entity_canonicalizer::parse(
    std::string_view text) {
  auto c = std::make_shared<entity_canonicalizer>();
  const auto read = for_each_tab_line(text, [&](std::string_view alias, std::string_view canonical) {
    c->aliases_[alias_key(alias)] = std::string(canonical);
    return std::string();
  });
  if (!read) return std::unexpected(read.error());
  return std::shared_ptr<const entity_canonicalizer>(std::move(c));
}

std::expected<std::shared_ptr<const entity_canonicalizer>, std::string> entity_canonicalizer::load(
    const std::filesystem::path& path) {
  return load_data_file(path, &entity_canonicalizer::parse);
}

void entity_canonicalizer::resolve(std::vector<entity_mention>& mentions) const {
  constexpr uint8_t person = 0;
  for (entity_mention& m : mentions) {
    if (const auto it = aliases_.find(alias_key(m.text)); it != aliases_.end()) {
      m.canonical = it->second;
      continue;
    }
    m.canonical = plain(m.text);
  }
  // People: a mention whose words (titles aside) end another, longer person mention.
  const auto name_words = [](const std::string& name) {
    std::vector<std::string_view> words = words_of(name);
    while (words.size() > 1 && title_word(words.front())) words.erase(words.begin());
    return words;
  };
  for (entity_mention& m : mentions) {
    if (m.type != person) continue;
    const std::vector<std::string_view> words = name_words(m.canonical);
    if (words.empty()) continue;
    const std::string* full = nullptr;
    bool ambiguous = false;
    for (const entity_mention& other : mentions) {
      if (other.type != person || &other == &m) continue;
      const std::vector<std::string_view> longer = name_words(other.canonical);
      if (longer.size() <= words.size()) continue;
      if (!std::equal(words.begin(), words.end(), longer.end() - static_cast<ptrdiff_t>(words.size())))
        continue;
      if (full != nullptr && *full != other.canonical) ambiguous = true;
      full = &other.canonical;
    }
    if (full != nullptr && !ambiguous) m.canonical = *full;
  }
}

}  // namespace newsflow
