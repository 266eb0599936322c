#include "indexer/crawl/links.hpp"

#include <gumbo.h>

#include <algorithm>
#include <cstring>

namespace passage::crawl {
namespace {

const char* attribute(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a != nullptr ? a->value : nullptr;
}

std::string lower(const char* s) {
  std::string out(s != nullptr ? s : "");
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Whether a space-separated token list (rel, meta content with commas) holds word.
bool has_token(const std::string& list, std::string_view word) {
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && (list[i] == ' ' || list[i] == ',' || list[i] == '\t' || list[i] == '\n')) ++i;
    std::size_t j = i;
    while (j < list.size() && list[j] != ' ' && list[j] != ',' && list[j] != '\t' && list[j] != '\n') ++j;
    if (std::string_view(list).substr(i, j - i) == word) return true;
    i = j;
  }
  return false;
}

}  // namespace

PageLinks extract_links(std::string_view html) {
  PageLinks out;
  GumboOutput* doc = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  if (doc == nullptr) return out;
  // Explicit stack: pages can nest deeper than the call stack likes.
  std::vector<const GumboNode*> stack{doc->root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
    const GumboElement& e = node->v.element;
    switch (e.tag) {
      case GUMBO_TAG_A:
      case GUMBO_TAG_AREA:
        if (const char* href = attribute(e, "href"); href != nullptr && !has_token(lower(attribute(e, "rel")), "nofollow"))
          out.hrefs.emplace_back(href);
        break;
      case GUMBO_TAG_LINK:
        if (const char* href = attribute(e, "href"); href != nullptr && out.canonical.empty() &&
                                                       has_token(lower(attribute(e, "rel")), "canonical"))
          out.canonical = href;
        break;
      case GUMBO_TAG_BASE:
        if (const char* href = attribute(e, "href"); href != nullptr && out.base.empty()) out.base = href;
        break;
      case GUMBO_TAG_META:
        if (lower(attribute(e, "name")) == "robots") {
          std::string content = lower(attribute(e, "content"));
          if (has_token(content, "nofollow") || has_token(content, "none")) out.nofollow = true;
          if (has_token(content, "noindex") || has_token(content, "none")) out.noindex = true;
        }
        break;
      default:
        break;
    }
    // Children in reverse so that the stack yields them in document order.
    for (unsigned i = e.children.length; i > 0; --i)
      stack.push_back(static_cast<const GumboNode*>(e.children.data[i - 1]));
  }
  gumbo_destroy_output(&kGumboDefaultOptions, doc);
  return out;
}

}  // namespace passage::crawl
