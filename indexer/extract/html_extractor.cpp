// HTML extraction with gumbo: charset repair, metadata from <title>/<html lang>/<meta>, and body
// text from <main>/<article> (else <body>) without navigation, scripts and cookie banners.
// Every tree walk uses an explicit stack, and nesting deeper than browsers allow is flattened
// before parsing: gumbo's scope checks are linear in the depth of open elements.

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <unordered_map>

#include "core/analysis/normalize.hpp"
#include "indexer/extract/charset.hpp"
#include "indexer/extract/extractor.hpp"
#include "indexer/extract/field_cleanup.hpp"

namespace passage::indexer {

namespace {

constexpr std::size_t kMaxDepth = 512;  // Blink's limit on DOM depth from the parser
constexpr std::size_t kMaxTitleBytes = 400;
constexpr std::size_t kCharsetSniffBytes = 4096;

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// ---- charset ------------------------------------------------------------------------------------

// The charset named by <meta charset>, <meta http-equiv content="...; charset=x"> or an XML
// declaration's encoding, in the first bytes of the document.
std::string declared_charset(std::string_view bytes) {
  const std::string head = ascii_lower(bytes.substr(0, kCharsetSniffBytes));
  for (std::string_view key : {std::string_view("charset"), std::string_view("encoding")}) {
    for (std::size_t at = head.find(key); at != std::string::npos; at = head.find(key, at + 1)) {
      std::size_t i = at + key.size();
      while (i < head.size() && head[i] == ' ') ++i;
      if (i >= head.size() || head[i] != '=') continue;
      ++i;
      while (i < head.size() && (head[i] == ' ' || head[i] == '"' || head[i] == '\'')) ++i;
      std::size_t j = i;
      while (j < head.size() &&
             (is_alpha(head[j]) || (head[j] >= '0' && head[j] <= '9') || head[j] == '-' ||
              head[j] == '_' || head[j] == ':' || head[j] == '.')) {
        ++j;
      }
      if (j > i) return head.substr(i, j - i);
    }
  }
  return {};
}

std::string html_to_utf8(std::string_view bytes) {
  std::string_view body = strip_utf8_bom(bytes);
  if (analysis::is_valid_utf8(body)) return std::string(body);
  if (bytes.size() >= 2 && (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")) {
    return decode_to_utf8(bytes);
  }
  std::string charset = declared_charset(body);
  if (charset.empty()) charset = "windows-1252";
  if (charset.rfind("utf-16", 0) == 0) charset = "utf-8";  // a UTF-16 page could not say so in ASCII
  if (auto converted = convert_to_utf8(body, charset)) return analysis::sanitize_utf8(*converted);
  return decode_to_utf8(body, "windows-1252");
}

// ---- nesting limit ------------------------------------------------------------------------------

bool is_void_element(std::string_view name) {
  static constexpr std::array<std::string_view, 16> kVoid = {
      "area", "base", "br",    "col",    "embed", "hr",  "img",    "input",
      "link", "meta", "param", "source", "track", "wbr", "keygen", "basefont"};
  return std::find(kVoid.begin(), kVoid.end(), name) != kVoid.end();
}

bool is_raw_text_element(std::string_view name) {
  return name == "script" || name == "style" || name == "textarea" || name == "title" ||
         name == "xmp" || name == "iframe" || name == "noembed" || name == "noframes";
}

// Elements whose start tag implicitly closes an open element of the same name.
bool closes_same_name(std::string_view name) {
  return name == "p" || name == "li" || name == "dt" || name == "dd" || name == "option" ||
         name == "tr" || name == "td" || name == "th";
}

// Index just past the '>' ending the tag that starts at `from`, honouring quoted attribute values.
std::size_t tag_end(std::string_view html, std::size_t from) {
  char quote = 0;
  char last = 0;
  for (std::size_t i = from; i < html.size(); ++i) {
    const char c = html[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if ((c == '"' || c == '\'') && last == '=') {
      quote = c;
      continue;
    }
    if (c == '>') return i + 1;
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') last = c;
  }
  return html.size();
}

// Position of "</name" (case-insensitive) at or after `from`, or npos.
std::size_t find_end_tag(std::string_view html, std::string_view name, std::size_t from) {
  for (std::size_t at = html.find("</", from); at != std::string_view::npos;
       at = html.find("</", at + 2)) {
    if (at + 2 + name.size() > html.size()) return std::string_view::npos;
    bool same = true;
    for (std::size_t k = 0; k < name.size() && same; ++k) same = lower(html[at + 2 + k]) == name[k];
    if (same) return at;
  }
  return std::string_view::npos;
}

// Removes start tags (and their end tags) nested deeper than `max_depth`, keeping all text.
// Returns nullopt when nothing is that deep, which is every ordinary page.
std::optional<std::string> limit_nesting(std::string_view html, std::size_t max_depth) {
  std::vector<std::string> stack;
  std::unordered_map<std::string, std::size_t> dropped;
  std::vector<std::pair<std::size_t, std::size_t>> cuts;
  std::string name;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      const std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    if (i + 1 >= html.size()) break;
    if (html[i + 1] == '!' || html[i + 1] == '?') {
      i = tag_end(html, i + 2);
      continue;
    }
    const bool closing = html[i + 1] == '/';
    std::size_t j = i + 1 + (closing ? 1 : 0);
    if (j >= html.size() || !is_alpha(html[j])) {
      ++i;
      continue;
    }
    name.clear();
    while (j < html.size() && (is_alpha(html[j]) || (html[j] >= '0' && html[j] <= '9') ||
                               html[j] == '-' || html[j] == ':')) {
      name.push_back(lower(html[j++]));
    }
    const std::size_t end = tag_end(html, j);
    if (closing) {
      if (auto it = dropped.find(name); it != dropped.end() && it->second > 0) {
        --it->second;
        cuts.emplace_back(i, end);
      } else if (auto open = std::find(stack.rbegin(), stack.rend(), name); open != stack.rend()) {
        stack.erase(std::next(open).base(), stack.end());
      }
      i = end;
      continue;
    }
    const bool self_closing = end >= 2 && html[end - 2] == '/';
    if (is_raw_text_element(name)) {
      const std::size_t close = find_end_tag(html, name, end);
      i = close == std::string_view::npos ? html.size() : close;
      continue;
    }
    if (!self_closing && !is_void_element(name)) {
      if (closes_same_name(name) && !stack.empty() && stack.back() == name) stack.pop_back();
      if (stack.size() >= max_depth) {
        ++dropped[name];
        cuts.emplace_back(i, end);
      } else {
        stack.push_back(name);
      }
    }
    i = end;
  }
  if (cuts.empty()) return std::nullopt;
  std::string out;
  out.reserve(html.size());
  std::size_t pos = 0;
  for (const auto& [from, to] : cuts) {
    out.append(html.substr(pos, from - pos));
    pos = to;
  }
  out.append(html.substr(pos));
  return out;
}

// ---- gumbo with an arena ------------------------------------------------------------------------

// All of gumbo's allocations go to one arena freed at once: faster than gumbo_destroy_output,
// which also recurses once per level of the tree.
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() {
    for (void* block : blocks_) std::free(block);
  }

  void* allocate(std::size_t n) {
    n = (n + 15) & ~static_cast<std::size_t>(15);
    if (n > kBlockBytes / 4) return new_block(n);
    if (used_ + n > kBlockBytes || current_ == nullptr) {
      current_ = static_cast<char*>(new_block(kBlockBytes));
      used_ = 0;
    }
    void* p = current_ + used_;
    used_ += n;
    return p;
  }

  static void* gumbo_allocate(void* self, std::size_t n) {
    return static_cast<Arena*>(self)->allocate(n);
  }
  static void gumbo_free(void* /*self*/, void* /*ptr*/) {}

 private:
  static constexpr std::size_t kBlockBytes = 256 * 1024;

  void* new_block(std::size_t n) {
    void* block = std::malloc(n);
    if (block == nullptr) std::abort();  // gumbo cannot handle a failed allocation either
    blocks_.push_back(block);
    return block;
  }

  std::vector<void*> blocks_;
  char* current_ = nullptr;
  std::size_t used_ = 0;
};

// ---- tree helpers -------------------------------------------------------------------------------

const char* attribute(const GumboNode* node, const char* name) {
  if (node->type != GUMBO_NODE_ELEMENT) return nullptr;
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a == nullptr ? nullptr : a->value;
}

// Whether `value` contains `needle` (lower-case ASCII), ignoring ASCII case; no allocation, as
// it runs for every element.
bool contains_ci(const char* value, std::string_view needle) {
  if (value == nullptr) return false;
  const std::string_view v(value);
  for (std::size_t i = 0; i + needle.size() <= v.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && lower(v[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// Elements whose content is never body text.
bool is_skipped(const GumboNode* node) {
  if (node->type == GUMBO_NODE_TEMPLATE) return true;
  if (node->type != GUMBO_NODE_ELEMENT) return false;
  switch (node->v.element.tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_OBJECT:
      return true;
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_MAIN:
      return false;
    default:
      break;
  }
  if (attribute(node, "hidden") != nullptr) return true;
  for (const char* attr : {"id", "class"}) {
    const char* value = attribute(node, attr);
    if (contains_ci(value, "cookie") || contains_ci(value, "banner") ||
        contains_ci(value, "consent"))
      return true;
  }
  return false;
}

enum class Break { kNone = 0, kSpace = 1, kLine = 2, kParagraph = 3 };

Break break_of(const GumboNode* node) {
  if (node->type != GUMBO_NODE_ELEMENT) return Break::kNone;
  switch (node->v.element.tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_CENTER:
      return Break::kParagraph;
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_OPTION:
      return Break::kLine;
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return Break::kSpace;
    default:
      return Break::kNone;
  }
}

// Accumulates text, collapsing whitespace and turning block boundaries into line breaks.
class TextSink {
 public:
  void text(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        pending_ = std::max(pending_, Break::kSpace);
        continue;
      }
      if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {  // NBSP
        pending_ = std::max(pending_, Break::kSpace);
        ++i;
        continue;
      }
      if (pending_ != Break::kNone && !out_.empty()) {
        out_ += pending_ == Break::kParagraph ? "\n\n" : pending_ == Break::kLine ? "\n" : " ";
      }
      pending_ = Break::kNone;
      out_.push_back(static_cast<char>(c));
    }
  }
  void block(Break b) { pending_ = std::max(pending_, b); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  Break pending_ = Break::kNone;
};

// The text of the subtrees at `roots`, skipping non-content elements.
std::string body_text(const std::vector<const GumboNode*>& roots) {
  TextSink sink;
  struct Frame {
    const GumboNode* node;
    bool exit;
  };
  std::vector<Frame> stack;
  for (auto it = roots.rbegin(); it != roots.rend(); ++it) stack.push_back({*it, false});
  while (!stack.empty()) {
    const Frame frame = stack.back();
    stack.pop_back();
    const GumboNode* node = frame.node;
    if (frame.exit) {
      sink.block(break_of(node));
      continue;
    }
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_CDATA:
      case GUMBO_NODE_WHITESPACE:
        sink.text(node->v.text.text);
        break;
      case GUMBO_NODE_ELEMENT: {
        if (is_skipped(node)) break;
        const Break b = break_of(node);
        if (b != Break::kNone) {
          sink.block(b);
          stack.push_back({node, true});
        }
        const GumboVector& children = node->v.element.children;
        for (unsigned int k = children.length; k > 0; --k) {
          stack.push_back({static_cast<const GumboNode*>(children.data[k - 1]), false});
        }
        break;
      }
      default:
        break;
    }
  }
  return sink.take();
}

// All text under `node` as one line (for <title> and <h1>).
std::string inline_text(const GumboNode* node) {
  std::string out;
  std::vector<const GumboNode*> stack{node};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA ||
        n->type == GUMBO_NODE_WHITESPACE) {
      out += n->v.text.text;
      out += ' ';
    } else if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag != GUMBO_TAG_SCRIPT &&
               n->v.element.tag != GUMBO_TAG_STYLE) {
      const GumboVector& children = n->v.element.children;
      for (unsigned int k = children.length; k > 0; --k)
        stack.push_back(static_cast<const GumboNode*>(children.data[k - 1]));
    }
  }
  return std::string(utf8_prefix(collapse_whitespace(out), kMaxTitleBytes));
}

// What one pass over the whole tree finds.
struct PageFacts {
  std::string title;  // <title>
  std::string h1;
  std::string html_lang;
  std::multimap<std::string, std::string> metas;  // lower-cased name/property -> content
  const GumboNode* body = nullptr;
  const GumboNode* main = nullptr;
  std::vector<const GumboNode*> articles;  // outermost <article>s outside skipped elements
};

PageFacts collect_facts(const GumboNode* root) {
  PageFacts facts;
  struct Frame {
    const GumboNode* node;
    bool in_skipped;
    bool in_article;
  };
  std::vector<Frame> stack{{root, false, false}};
  while (!stack.empty()) {
    const Frame frame = stack.back();
    stack.pop_back();
    const GumboNode* node = frame.node;
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboElement& el = node->v.element;
    bool in_article = frame.in_article;
    switch (el.tag) {
      case GUMBO_TAG_HTML:
        if (facts.html_lang.empty()) {
          const char* lang = attribute(node, "lang");
          if (lang == nullptr) lang = attribute(node, "xml:lang");
          if (lang != nullptr) facts.html_lang = collapse_whitespace(lang);
        }
        break;
      case GUMBO_TAG_TITLE:
        if (facts.title.empty()) facts.title = inline_text(node);
        continue;
      case GUMBO_TAG_H1:
        if (facts.h1.empty()) facts.h1 = inline_text(node);
        continue;
      case GUMBO_TAG_BODY:
        if (facts.body == nullptr) facts.body = node;
        break;
      case GUMBO_TAG_META: {
        const char* key = attribute(node, "name");
        if (key == nullptr) key = attribute(node, "property");
        if (key == nullptr) key = attribute(node, "http-equiv");
        if (key == nullptr) key = attribute(node, "itemprop");
        const char* content = attribute(node, "content");
        if (key != nullptr && content != nullptr) {
          std::string value = collapse_whitespace(content);
          if (!value.empty())
            facts.metas.emplace(ascii_lower(collapse_whitespace(key)), std::move(value));
        }
        continue;
      }
      case GUMBO_TAG_MAIN:
        if (facts.main == nullptr && !frame.in_skipped) facts.main = node;
        break;
      case GUMBO_TAG_ARTICLE:
        if (!frame.in_skipped && !frame.in_article) facts.articles.push_back(node);
        in_article = true;
        break;
      case GUMBO_TAG_SCRIPT:
      case GUMBO_TAG_STYLE:
        continue;
      default:
        break;
    }
    const bool in_skipped = frame.in_skipped || is_skipped(node);
    for (unsigned int k = el.children.length; k > 0; --k) {
      stack.push_back(
          {static_cast<const GumboNode*>(el.children.data[k - 1]), in_skipped, in_article});
    }
  }
  return facts;
}

std::string first_meta(const PageFacts& facts, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    auto it = facts.metas.find(std::string(key));
    if (it != facts.metas.end()) return it->second;
  }
  return {};
}

// Every value of the first key present, joined with "; " (repeated citation_keywords metas).
std::string joined_metas(const PageFacts& facts, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    std::string out;
    auto [b, e] = facts.metas.equal_range(std::string(key));
    for (auto it = b; it != e; ++it) {
      if (!out.empty()) out += "; ";
      out += it->second;
    }
    if (!out.empty()) return out;
  }
  return {};
}

std::vector<std::string> authors_from(const PageFacts& facts) {
  for (std::string_view key :
       {"citation_author", "dc.creator", "dcterms.creator", "author", "article:author"}) {
    std::vector<std::string> out;
    auto [b, e] = facts.metas.equal_range(std::string(key));
    for (auto it = b; it != e; ++it) {
      const std::string& name = it->second;
      if (name.rfind("http", 0) == 0) continue;  // article:author is often a profile URL
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    if (!out.empty()) return out;
  }
  return {};
}

}  // namespace

Result<Extracted> extract_html(std::string_view bytes) {
  std::string html = html_to_utf8(bytes);
  if (auto flattened = limit_nesting(html, kMaxDepth)) html = std::move(*flattened);

  Arena arena;
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &Arena::gumbo_allocate;
  options.deallocator = &Arena::gumbo_free;
  options.userdata = &arena;
  options.max_errors = 0;  // we never look at parse errors
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  if (output == nullptr) return make_error(ErrorCode::kDataLoss, "HTML could not be parsed");

  PageFacts facts = collect_facts(output->root);
  Extracted out;

  std::vector<const GumboNode*> roots;
  if (facts.main != nullptr) {
    roots.push_back(facts.main);
  } else {
    roots = facts.articles;
  }
  if (!roots.empty()) out.text = body_text(roots);
  if (count_letters(out.text, 50) < 50) {
    roots.assign(1, facts.body != nullptr ? facts.body : output->root);
    out.text = body_text(roots);
  }
  out.text = analysis::sanitize_utf8(out.text);

  out.title = first_meta(facts, {"citation_title", "dc.title", "dcterms.title", "og:title"});
  if (out.title.empty()) out.title = facts.title;
  if (out.title.empty()) out.title = facts.h1;
  out.title = std::string(utf8_prefix(out.title, kMaxTitleBytes));

  out.language = facts.html_lang;
  if (out.language.empty())
    out.language = first_meta(facts, {"content-language", "dc.language", "language"});
  out.description =
      first_meta(facts, {"description", "og:description", "dc.description", "twitter:description"});
  out.authors = authors_from(facts);
  out.keywords = joined_metas(facts, {"citation_keywords", "keywords", "dc.subject", "dcterms.subject", "article:tag"});
  out.publisher = first_meta(facts, {"citation_publisher", "dc.publisher", "dcterms.publisher",
                                     "citation_technical_report_institution", "og:site_name"});
  out.pdf_url = first_meta(facts, {"citation_pdf_url"});
  for (std::string_view key :
       {"citation_publication_date", "citation_date", "dc.date", "dc.date.issued", "dcterms.issued",
        "dcterms.date", "article:published_time", "date",
        // modification dates are the best we have for undated guidance pages
        "last-updated", "last-modified", "dcterms.modified", "article:modified_time"}) {
    auto [b, e] = facts.metas.equal_range(std::string(key));
    for (auto it = b; it != e && !out.year; ++it) out.year = first_year(it->second);
    if (out.year) break;
  }

  if (out.text.empty()) return make_error(ErrorCode::kDataLoss, "no extractable text");
  return out;
}

}  // namespace passage::indexer
