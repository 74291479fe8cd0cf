#include "pipeline/article_decoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "pipeline/utf8.h"

namespace newsflow {
namespace {

namespace od = simdjson::ondemand;

failure decode_failure(std::string code, std::string message) {
  return failure{std::move(code), std::move(message), "decode"};
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_json_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_json_space(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 8259 number grammar. simdjson's On-Demand API does not look at numbers it is not asked
// to convert, and converting would refuse valid numbers we must pass through exactly
// (integers beyond 64 bits, 1e400), so the grammar is checked here.
bool valid_json_number(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  auto digit = [&](size_t k) { return k < n && s[k] >= '0' && s[k] <= '9'; };
  if (i < n && s[i] == '-') ++i;
  if (!digit(i)) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == n;
}

// One reason code per simdjson error, so dead letters say what was wrong.
failure json_failure(simdjson::error_code e) {
  using simdjson::error_code;
  std::string code;
  switch (e) {
    case error_code::STRING_ERROR: code = "json.bad_string"; break;
    case error_code::UNCLOSED_STRING: code = "json.unclosed_string"; break;
    case error_code::UNESCAPED_CHARS: code = "json.unescaped_control_char"; break;
    case error_code::NUMBER_ERROR:
    case error_code::NUMBER_OUT_OF_RANGE: code = "json.bad_number"; break;
    case error_code::T_ATOM_ERROR:
    case error_code::F_ATOM_ERROR:
    case error_code::N_ATOM_ERROR: code = "json.bad_literal"; break;
    case error_code::DEPTH_ERROR: code = "json.too_deep"; break;
    case error_code::UTF8_ERROR: code = "input.invalid_utf8"; break;
    case error_code::EMPTY: code = "input.blank"; break;
    case error_code::INCOMPLETE_ARRAY_OR_OBJECT: code = "json.incomplete"; break;
    case error_code::TRAILING_CONTENT: code = "json.trailing_content"; break;
    case error_code::CAPACITY: code = "input.too_large"; break;
    default: code = "json.syntax"; break;
  }
  return decode_failure(std::move(code), simdjson::error_message(e));
}

enum class known_field { none, id, url, title, text, html, published_at, source, language, enrichment };

known_field classify(std::string_view key) {
  switch (key.size()) {
    case 2: if (key == "id") return known_field::id; break;
    case 3: if (key == "url") return known_field::url; break;
    case 4:
      if (key == "text") return known_field::text;
      if (key == "html") return known_field::html;
      break;
    case 5: if (key == "title") return known_field::title; break;
    case 6: if (key == "source") return known_field::source; break;
    case 8: if (key == "language") return known_field::language; break;
    case 10: if (key == "enrichment") return known_field::enrichment; break;
    case 12: if (key == "published_at") return known_field::published_at; break;
  }
  return known_field::none;
}

text_field* field_of(article& a, known_field f) {
  switch (f) {
    case known_field::id: return &a.id;
    case known_field::url: return &a.url;
    case known_field::title: return &a.title;
    case known_field::text: return &a.text;
    case known_field::html: return &a.html;
    case known_field::published_at: return &a.published_at;
    case known_field::source: return &a.source;
    case known_field::language: return &a.language_hint;
    default: return nullptr;
  }
}

const char* type_name(od::json_type t) {
  switch (t) {
    case od::json_type::array: return "an array";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "a string";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
  }
  return "unknown";
}

bool has_duplicate(std::vector<std::string_view>& keys) {
  if (keys.size() < 2) return false;
  if (keys.size() <= 16) {
    for (size_t i = 1; i < keys.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (keys[i] == keys[j]) return true;
    return false;
  }
  std::sort(keys.begin(), keys.end());
  return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

// simdjson reads up to SIMDJSON_PADDING bytes past the end of the input.
void ensure_padding(std::string& s) {
  if (s.capacity() < s.size() + simdjson::SIMDJSON_PADDING)
    s.reserve(s.size() + simdjson::SIMDJSON_PADDING);
}

}  // namespace

article_decoder::article_decoder(decoder_options options) : options_(options) {}

std::expected<void, failure> article_decoder::decode(input_record& record, article& a) {
  a.clear();
  if (!record.rejected_reason.empty()) {
    return std::unexpected(decode_failure(
        record.rejected_reason,
        fmt::format("message of {} bytes is above the limit of {} bytes", record.original_size,
                    options_.max_message_bytes)));
  }
  if (record.bytes.size() > options_.max_message_bytes) {
    return std::unexpected(decode_failure(
        "input.too_large", fmt::format("message of {} bytes is above the limit of {} bytes",
                                       record.bytes.size(), options_.max_message_bytes)));
  }
  std::string_view json = trim(record.bytes);
  if (json.empty()) return std::unexpected(decode_failure("input.blank", "message is empty or only whitespace"));
  if (std::memchr(json.data(), '\0', json.size()) != nullptr) {
    return std::unexpected(decode_failure("input.nul_byte", "message contains a NUL byte"));
  }
  if (!utf8_valid(json)) {
    if (!options_.repair_invalid_utf8)
      return std::unexpected(decode_failure("input.invalid_utf8", "message is not valid UTF-8"));
    utf8_repair(json, repaired_);
    ensure_padding(repaired_);
    return decode_object(repaired_, repaired_.capacity(), a);
  }
  const size_t offset = static_cast<size_t>(json.data() - record.bytes.data());
  if (record.bytes.capacity() < offset + json.size() + simdjson::SIMDJSON_PADDING) {
    ensure_padding(record.bytes);  // may move the bytes: take the view again
    json = std::string_view(record.bytes).substr(offset, json.size());
  }
  return decode_object(json, record.bytes.capacity() - offset, a);
}

std::expected<void, failure> article_decoder::decode_object(std::string_view json, size_t capacity,
                                                             article& a) {
  keys_.clear();
  text_member_ = -1;
  a.raw = json;
  simdjson::padded_string_view padded(json.data(), json.size(), capacity);
  od::document doc;
  if (auto e = parser_.iterate(padded).get(doc)) return std::unexpected(json_failure(e));
  od::object root;
  if (auto e = doc.get_object().get(root)) {
    if (e != simdjson::INCORRECT_TYPE) return std::unexpected(json_failure(e));
    // Valid JSON of another type, or not JSON at all ("not json" starts like null)?
    return std::unexpected(root_is_valid_json(json, capacity)
                               ? decode_failure("json.not_object", "message is JSON but not an object")
                               : decode_failure("json.syntax", "message is not JSON"));
  }
  failure why;
  for (auto field_result : root) {
    od::field field;
    if (auto e = std::move(field_result).get(field)) return std::unexpected(json_failure(e));
    const char* key_start = field.key().raw() - 1;  // the opening quote
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return std::unexpected(json_failure(e));
    keys_.push_back(key);
    a.member_starts.push_back(static_cast<uint32_t>(key_start - json.data()));
    a.member_omitted.push_back(false);

    od::value value = field.value();
    const known_field kind = classify(key);
    if (kind == known_field::none) {
      if (auto e = walk(value, 1, why)) {
        if (!why.code.empty()) return std::unexpected(std::move(why));
        return std::unexpected(json_failure(e));
      }
      continue;
    }
    if (kind == known_field::enrichment) {
      // The output gets exactly one enrichment object: ours replaces any the input had.
      a.member_omitted.back() = true;
      if (auto e = walk(value, 1, why)) {
        if (!why.code.empty()) return std::unexpected(std::move(why));
        return std::unexpected(json_failure(e));
      }
      continue;
    }
    od::json_type type;
    if (auto e = value.type().get(type)) return std::unexpected(json_failure(e));
    if (type == od::json_type::null) {
      bool is_null = false;
      if (auto e = value.is_null().get(is_null); e || !is_null)
        return std::unexpected(json_failure(e ? e : simdjson::N_ATOM_ERROR));
      if (kind == known_field::text) text_member_ = static_cast<int32_t>(a.member_starts.size() - 1);
      continue;  // null reads as absent
    }
    if (type != od::json_type::string) {
      // Skip the rest of the value so the error is about the type, not about its content.
      return std::unexpected(decode_failure(
          "article.bad_field_type",
          fmt::format("field '{}' must be a string, not {}", key, type_name(type))));
    }
    std::string_view s;
    if (auto e = value.get_string().get(s)) return std::unexpected(json_failure(e));
    field_of(a, kind)->set(s);
  }
  // Trailing bytes after the object, e.g. two objects on one line.
  if (auto location = doc.current_location(); !location.error()) {
    return std::unexpected(decode_failure("json.trailing_content", "bytes after the end of the JSON object"));
  }
  if (has_duplicate(keys_)) {
    return std::unexpected(decode_failure("json.duplicate_key",
                                          "a top-level key appears more than once"));
  }
  if (!a.text.present && !a.html.present) {
    return std::unexpected(decode_failure("article.missing_body",
                                          "the article has neither a 'text' nor an 'html' string"));
  }
  // A null `text` is left out of the output only if extracted text takes its place.
  a.text_member = text_member_;
  a.body = a.text.value;
  a.headline = a.title.value;
  return {};
}

bool article_decoder::root_is_valid_json(std::string_view json, size_t capacity) {
  simdjson::padded_string_view padded(json.data(), json.size(), capacity);
  od::document doc;
  if (parser_.iterate(padded).get(doc)) return false;
  // Scalars at the root are not values On-Demand can walk from the document itself.
  switch (json.front()) {
    case '[': {
      od::array array;
      if (doc.get_array().get(array)) return false;
      failure why;
      for (auto element_result : array) {
        od::value element;
        if (std::move(element_result).get(element) || walk(element, 1, why)) return false;
      }
      return doc.current_location().error() != simdjson::SUCCESS;  // nothing after the array
    }
    case '"': {
      std::string_view s;
      return !doc.get_string().get(s);  // root scalars: simdjson checks trailing bytes
    }
    case 't':
    case 'f': {
      bool b;
      return !doc.get_bool().get(b);
    }
    case 'n': {
      bool is_null = false;
      return !doc.is_null().get(is_null) && is_null;
    }
    default:
      return valid_json_number(json);
  }
}

simdjson::error_code article_decoder::walk(od::value value, uint32_t depth, failure& why) {
  if (depth > options_.max_depth) {
    why = decode_failure("json.too_deep",
                         fmt::format("nesting deeper than {} levels", options_.max_depth));
    return simdjson::DEPTH_ERROR;
  }
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto e = value.get_object().get(object)) return e;
      for (auto field_result : object) {
        od::field field;
        if (auto e = std::move(field_result).get(field)) return e;
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return e;
        if (auto e = walk(field.value(), depth + 1, why)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array array;
      if (auto e = value.get_array().get(array)) return e;
      for (auto element_result : array) {
        od::value element;
        if (auto e = std::move(element_result).get(element)) return e;
        if (auto e = walk(element, depth + 1, why)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      std::string_view s;
      return value.get_string().get(s);
    }
    case od::json_type::number: {
      if (!valid_json_number(trim(value.raw_json_token()))) return simdjson::NUMBER_ERROR;
      return simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
      bool b;
      if (value.get_bool().get(b)) return simdjson::T_ATOM_ERROR;
      return simdjson::SUCCESS;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (value.is_null().get(is_null) || !is_null) return simdjson::N_ATOM_ERROR;
      return simdjson::SUCCESS;
    }
  }
  return simdjson::TAPE_ERROR;
}

}  // namespace newsflow
