#include "query/snippets.hpp"

#include <algorithm>
#include <deque>
#include <map>

#include "core/analysis/normalize.hpp"

namespace passage::query {
namespace {

bool word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

struct Tok {
  std::size_t begin, end;
  int match = -1;  // index of the matched query form, -1 when no match
};

// Move an offset back to the start of a UTF-8 sequence.
std::size_t char_start(std::string_view s, std::size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

}  // namespace

std::string snippet_text(std::string_view html) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
  std::string out;
  out.reserve(html.size());
  for (std::size_t i = 0; i < html.size();) {
    if (html[i] == '<') {
      std::size_t close = html.find('>', i);
      if (close == std::string_view::npos) break;
      i = close + 1;
      continue;
    }
    if (html[i] == '&') {
      bool decoded = false;
      for (const auto& [entity, c] : kEntities)
        if (html.substr(i, entity.size()) == entity) {
          out.push_back(c);
          i += entity.size();
          decoded = true;
          break;
        }
      if (decoded) continue;
    }
    out.push_back(html[i++]);
  }
  return out;
}

void append_html_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\n':
      case '\r':
      case '\t':
      case '\f': out.push_back(' '); break;
      default: out.push_back(c);
    }
  }
}

Snippet make_snippet(std::string_view text, const HighlightTerms& terms, std::string_view lang,
                     analysis::Analyzer& analyzer, std::size_t max_chars) {
  // Cheap scan: words are runs of ASCII alphanumerics and non-ASCII bytes. Only words whose
  // accent-free form could match a query form are stemmed.
  std::vector<Tok> toks;
  std::map<std::string, int> ids;  // query form -> id, for counting distinct matches
  auto id_of = [&](const std::string& s) {
    auto [it, fresh] = ids.emplace(s, static_cast<int>(ids.size()));
    (void)fresh;
    return it->second;
  };
  std::vector<std::string> first3;
  for (const auto& b : terms.bases) first3.push_back(b.substr(0, 3));
  for (const auto& s : terms.stems) first3.push_back(s.substr(0, 3));
  std::sort(first3.begin(), first3.end());
  first3.erase(std::unique(first3.begin(), first3.end()), first3.end());

  analysis::Word w;
  for (std::size_t i = 0; i < text.size();) {
    if (!word_byte(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && word_byte(static_cast<unsigned char>(text[j]))) ++j;
    Tok t{i, j};
    if (!terms.bases.empty() || !terms.stems.empty()) {
      std::string_view raw = text.substr(i, j - i);
      std::string folded = analysis::fold(raw);
      std::string base = analysis::strip_accents(folded);
      bool candidate = std::any_of(first3.begin(), first3.end(), [&](const std::string& p) {
        return base.compare(0, p.size(), p) == 0;
      });
      if (candidate) {
        if (terms.bases.count(base)) {
          t.match = id_of(base);
        } else {
          w.exact = std::move(folded);
          w.base = base;
          for (const auto& s : analyzer.stems(w, lang))
            if (terms.stems.count(s)) {
              t.match = id_of(s);
              break;
            }
        }
      }
    }
    toks.push_back(t);
    i = j;
  }

  Snippet out;
  if (toks.empty()) return out;
  // Window of ~max_chars bytes with the most distinct matches, then the most matches.
  std::size_t best_start = 0;
  int best_distinct = -1, best_total = -1;
  std::map<int, int> in_window;
  int total = 0;
  std::size_t lo = 0;
  for (std::size_t hi = 0; hi < toks.size(); ++hi) {
    if (toks[hi].match >= 0) {
      ++in_window[toks[hi].match];
      ++total;
    }
    while (toks[hi].end - toks[lo].begin > max_chars && lo < hi) {
      if (toks[lo].match >= 0 && --in_window[toks[lo].match] == 0) in_window.erase(toks[lo].match);
      if (toks[lo].match >= 0) --total;
      ++lo;
    }
    int distinct = static_cast<int>(in_window.size());
    if (distinct > best_distinct || (distinct == best_distinct && total > best_total)) {
      best_distinct = distinct;
      best_total = total;
      best_start = lo;
    }
  }
  std::size_t first = best_start;
  std::size_t begin = toks[first].begin;
  std::size_t end = std::min(text.size(), begin + max_chars);
  // Snap the end to a word boundary.
  std::size_t last_tok = first;
  while (last_tok + 1 < toks.size() && toks[last_tok + 1].end <= end) ++last_tok;
  end = toks[last_tok].end;
  begin = char_start(text, begin);

  out.offset = begin;
  for (std::size_t k = first; k <= last_tok; ++k)
    if (toks[k].match >= 0) {
      out.offset = toks[k].begin;  // the page of a passage is the page of its first match
      break;
    }
  if (begin > 0) out.html += "… ";
  std::size_t cursor = begin;
  for (std::size_t k = first; k <= last_tok; ++k) {
    if (toks[k].match < 0) continue;
    append_html_escaped(out.html, text.substr(cursor, toks[k].begin - cursor));
    out.html += "<mark>";
    append_html_escaped(out.html, text.substr(toks[k].begin, toks[k].end - toks[k].begin));
    out.html += "</mark>";
    cursor = toks[k].end;
  }
  append_html_escaped(out.html, text.substr(cursor, end - cursor));
  if (end < text.size()) out.html += " …";
  // Collapse runs of spaces left by line breaks.
  std::string collapsed;
  collapsed.reserve(out.html.size());
  for (char c : out.html) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed.push_back(c);
  }
  out.html = std::move(collapsed);
  return out;
}

}  // namespace passage::query
