#include "pipeline/article.h"

#include <type_traits>

namespace newsflow {

void article::clear() {
  raw = {};
  for (text_field* f : {&id, &url, &title, &text, &html, &published_at, &source, &language_hint})
    f->clear();
  member_starts.clear();
  member_omitted.clear();
  text_member = -1;
  body.clear();
  body_offsets.clear();
  headline.clear();
  headline_offsets.clear();
  body_is_output_text = false;
  language.clear();
  enrichment.clear();
  route = {};
  timings.clear();
}

void article::release_buffers_over(size_t limit) {
  const auto release = [limit](auto& buffer) {
    using buffer_type = std::remove_reference_t<decltype(buffer)>;
    if (buffer.capacity() * sizeof(typename buffer_type::value_type) > limit) buffer_type().swap(buffer);
  };
  for (text_field* f : {&id, &url, &title, &text, &html, &published_at, &source, &language_hint})
    release(f->value);
  release(member_starts);
  release(body);
  release(headline);
  release(enrichment);
  body_offsets.release_buffer_over(limit);
  headline_offsets.release_buffer_over(limit);
}

}  // namespace newsflow
