#include "processors/normalize/html_text.h"

#include <gumbo.h>

#include <array>
#include <csetjmp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace newsflow {
namespace {

using clock = std::chrono::steady_clock;

// Bump allocator for gumbo. It serves two purposes: gumbo_destroy_output() frees the tree
// recursively (100,000 nested elements overflow a 1 MiB stack), and with an arena the tree
// is dropped by rewinding instead; and it is where the memory and time limits are enforced,
// since gumbo calls it for every token. Past a limit it longjmps out of gumbo: only C frames
// lie between, and everything gumbo allocated belongs to the arena.
class parse_arena {
 public:
  parse_arena() = default;
  parse_arena(const parse_arena&) = delete;
  parse_arena& operator=(const parse_arena&) = delete;
  ~parse_arena() {
    while (head_) {
      chunk* next = head_->next;
      std::free(head_);
      head_ = next;
    }
  }

  void begin(size_t max_bytes, clock::time_point deadline, std::jmp_buf* escape) {
    current_ = head_;
    ptr_ = current_ ? current_->data() : nullptr;
    end_ = current_ ? current_->data() + current_->size : nullptr;
    used_ = 0;
    max_bytes_ = max_bytes;
    deadline_ = deadline;
    calls_ = 0;
    escape_ = escape;
  }

  // Keeps a few chunks for the next document; frees the rest.
  void end() {
    escape_ = nullptr;
    size_t kept = 0;
    chunk** link = &head_;
    while (*link) {
      if (kept >= retained_bytes) {
        chunk* drop = *link;
        *link = drop->next;
        std::free(drop);
      } else {
        kept += (*link)->size;
        link = &(*link)->next;
      }
    }
    current_ = nullptr;
  }

  static void* allocate(void* self, size_t size) {
    return static_cast<parse_arena*>(self)->allocate(size);
  }
  static void deallocate(void*, void*) {}  // freed all at once by rewinding

 private:
  struct chunk {
    chunk* next;
    size_t size;  // usable bytes after the header
    char* data() { return reinterpret_cast<char*>(this) + header_size; }
  };
  static constexpr size_t header_size = (sizeof(chunk) + 15) & ~size_t{15};
  static constexpr size_t first_chunk = size_t{64} << 10;
  static constexpr size_t max_chunk = size_t{8} << 20;
  static constexpr size_t retained_bytes = size_t{16} << 20;

  void* allocate(size_t size) {
    size = (size + 15) & ~size_t{15};
    used_ += size;
    if (used_ > max_bytes_) std::longjmp(*escape_, 1);
    // A clock read costs ~20 ns; gumbo allocates a few times per token.
    if ((++calls_ & 255) == 0 && clock::now() > deadline_) std::longjmp(*escape_, 1);
    if (static_cast<size_t>(end_ - ptr_) < size || !ptr_) next_chunk(size);
    void* p = ptr_;
    ptr_ += size;
    return p;
  }

  void next_chunk(size_t size) {
    // Reuse the following chunk when it is big enough, else insert a new one after current_.
    chunk* next = current_ ? current_->next : head_;
    if (!next || next->size < size) {
      size_t want = current_ ? std::min(current_->size * 2, max_chunk) : first_chunk;
      if (want < size) want = size;
      auto* fresh = static_cast<chunk*>(std::malloc(header_size + want));
      if (!fresh) std::longjmp(*escape_, 1);
      fresh->size = want;
      fresh->next = next;
      if (current_) current_->next = fresh;
      else head_ = fresh;
      next = fresh;
    }
    current_ = next;
    ptr_ = current_->data();
    end_ = ptr_ + current_->size;
  }

  chunk* head_ = nullptr;
  chunk* current_ = nullptr;
  char* ptr_ = nullptr;
  char* end_ = nullptr;
  size_t used_ = 0;
  size_t max_bytes_ = 0;
  clock::time_point deadline_;
  uint32_t calls_ = 0;
  std::jmp_buf* escape_ = nullptr;
};

// Kept free of C++ objects with destructors: the arena may longjmp back into it.
GumboOutput* parse_in_arena(parse_arena& arena, const GumboOptions& options, const char* html,
                            size_t size, size_t max_bytes, clock::time_point deadline) {
  std::jmp_buf escape;
  arena.begin(max_bytes, deadline, &escape);
  if (setjmp(escape) != 0) return nullptr;
  return gumbo_parse_with_options(&options, html, size);
}

enum element_kind : uint8_t {
  inline_element,  // text flows through
  block,           // ends a paragraph before and after
  dropped,         // not article text: skipped with everything inside
  cell,            // td, th: separated by a tab
  line_break,      // br
};

constexpr std::array<uint8_t, GUMBO_TAG_LAST + 1> element_kinds = [] {
  std::array<uint8_t, GUMBO_TAG_LAST + 1> k{};
  for (GumboTag t :
       {GUMBO_TAG_P, GUMBO_TAG_DIV, GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4,
        GUMBO_TAG_H5, GUMBO_TAG_H6, GUMBO_TAG_LI, GUMBO_TAG_UL, GUMBO_TAG_OL, GUMBO_TAG_TABLE,
        GUMBO_TAG_TR, GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_PRE, GUMBO_TAG_SECTION,
        GUMBO_TAG_ARTICLE, GUMBO_TAG_FIGURE, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_DL, GUMBO_TAG_DT,
        GUMBO_TAG_DD, GUMBO_TAG_HR, GUMBO_TAG_ADDRESS, GUMBO_TAG_MAIN, GUMBO_TAG_HEADER,
        GUMBO_TAG_HGROUP, GUMBO_TAG_CAPTION, GUMBO_TAG_DETAILS, GUMBO_TAG_SUMMARY,
        GUMBO_TAG_FIELDSET, GUMBO_TAG_LEGEND, GUMBO_TAG_CENTER, GUMBO_TAG_MENU, GUMBO_TAG_DIR,
        GUMBO_TAG_LISTING, GUMBO_TAG_XMP, GUMBO_TAG_PLAINTEXT})
    k[t] = block;
  // Navigation, page chrome, interactive widgets and embedded media hold menu entries,
  // button labels and "your browser does not support video" fallbacks, not prose.
  for (GumboTag t :
       {GUMBO_TAG_HEAD, GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE, GUMBO_TAG_NOSCRIPT,
        GUMBO_TAG_TEMPLATE, GUMBO_TAG_NAV, GUMBO_TAG_FOOTER, GUMBO_TAG_ASIDE, GUMBO_TAG_FORM,
        GUMBO_TAG_BUTTON, GUMBO_TAG_SVG, GUMBO_TAG_IFRAME, GUMBO_TAG_OBJECT, GUMBO_TAG_SELECT,
        GUMBO_TAG_TEXTAREA, GUMBO_TAG_DATALIST, GUMBO_TAG_CANVAS, GUMBO_TAG_AUDIO,
        GUMBO_TAG_VIDEO, GUMBO_TAG_APPLET, GUMBO_TAG_NOEMBED, GUMBO_TAG_NOFRAMES})
    k[t] = dropped;
  k[GUMBO_TAG_TD] = cell;
  k[GUMBO_TAG_TH] = cell;
  k[GUMBO_TAG_BR] = line_break;
  return k;
}();

void paragraph_break(std::string& out) {
  const size_t n = out.size();
  if (n == 0 || (n >= 2 && out[n - 1] == '\n' && out[n - 2] == '\n')) return;
  out += out[n - 1] == '\n' ? "\n" : "\n\n";
}

struct frame {
  const GumboNode* node;
  unsigned next_child;
  uint32_t header_start;  // <header>: where its text starts in the output
  bool header_has_h1;
};

struct walk_state {
  std::vector<frame> stack;
  std::vector<size_t> headers;  // stack indexes of the open <header> elements
};

// A page-level <header> is site branding and menus; an article's <header> holds its
// headline (an <h1>) and byline. Text of a <header> without an <h1> is taken back when the
// element closes, which needs no look-ahead.
void walk_body(const GumboNode* body, std::string& out, walk_state& st) {
  st.stack.clear();
  st.headers.clear();
  st.stack.push_back({body, 0, 0, false});
  while (!st.stack.empty()) {
    frame& top = st.stack.back();
    const GumboVector& children = top.node->v.element.children;
    if (top.next_child < children.length) {
      const auto* child = static_cast<const GumboNode*>(children.data[top.next_child++]);
      switch (child->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
        case GUMBO_NODE_CDATA:
          out += child->v.text.text;
          break;
        case GUMBO_NODE_ELEMENT: {
          const GumboTag tag = child->v.element.tag;
          const uint8_t kind = element_kinds[tag];
          if (kind == dropped) break;
          if (kind == line_break) {
            out += '\n';
            break;
          }
          if (tag == GUMBO_TAG_H1 && !st.headers.empty())
            st.stack[st.headers.back()].header_has_h1 = true;
          if (kind == block) paragraph_break(out);
          // `top` is invalid after this push.
          st.stack.push_back({child, 0, static_cast<uint32_t>(out.size()), false});
          if (tag == GUMBO_TAG_HEADER) st.headers.push_back(st.stack.size() - 1);
          break;
        }
        default:  // comments; <template> contents are not part of the document
          break;
      }
      continue;
    }
    const frame done = top;
    st.stack.pop_back();
    if (done.node == body) break;
    const GumboTag tag = done.node->v.element.tag;
    if (tag == GUMBO_TAG_HEADER) {
      st.headers.pop_back();
      if (!done.header_has_h1) out.resize(done.header_start);
      else if (!st.headers.empty()) st.stack[st.headers.back()].header_has_h1 = true;
    }
    const uint8_t kind = element_kinds[tag];
    if (kind == block) paragraph_break(out);
    else if (kind == cell) out += '\t';
  }
}

const GumboNode* find_body(const GumboOutput* output) {
  const GumboNode* root = output->root;
  if (!root || root->type != GUMBO_NODE_ELEMENT) return nullptr;
  const GumboVector& children = root->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* c = static_cast<const GumboNode*>(children.data[i]);
    if (c->type == GUMBO_NODE_ELEMENT && c->v.element.tag == GUMBO_TAG_BODY) return c;
  }
  return nullptr;  // a <frameset> document
}

}  // namespace

html_text_extractor::status html_text_extractor::extract(std::string_view html,
                                                         std::string& out) const {
  out.clear();
  thread_local parse_arena arena;
  thread_local walk_state walk;

  const double mib = static_cast<double>(html.size()) / (1 << 20);
  const auto budget =
      limits_.time_base + std::chrono::duration_cast<std::chrono::milliseconds>(
                              limits_.time_per_mib * mib);
  const size_t max_bytes = limits_.memory_base + limits_.memory_per_byte * html.size();

  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &parse_arena::allocate;
  options.deallocator = &parse_arena::deallocate;
  options.userdata = &arena;
  options.max_errors = 0;  // parse errors are not recorded: nobody reads them

  const GumboOutput* output = parse_in_arena(arena, options, html.data(), html.size(),
                                             max_bytes, clock::now() + budget);
  status result = status::too_complex;
  if (output) {
    if (const GumboNode* body = find_body(output)) walk_body(body, out, walk);
    result = status::ok;
  }
  arena.end();  // the tree is gone from here on
  return result;
}

}  // namespace newsflow
