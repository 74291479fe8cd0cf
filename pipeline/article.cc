#include "pipeline/article.h"

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

}  // namespace newsflow
