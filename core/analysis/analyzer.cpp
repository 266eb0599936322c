#include "core/analysis/analyzer.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/analysis/normalize.hpp"
#include "core/analysis/stemmers.hpp"
#include "core/schema.hpp"

namespace passage::analysis {
namespace {

// Elided articles and prepositions (fr, it, ca, pt) that are dropped before an apostrophe.
constexpr std::array<std::string_view, 24> kElisions{
    "l",    "d",     "j",    "m",    "n",     "s",     "t",     "c",
    "qu",   "lorsqu", "puisqu", "jusqu", "quoiqu", "dell", "dall", "nell",
    "sull", "all",   "coll", "un",   "quell", "tutt", "sant", "po"};

bool is_elision(std::string_view head) {
  return std::find(kElisions.begin(), kElisions.end(), head) != kElisions.end();
}

// Length in bytes of an apostrophe at text[i] (' U+0027 or ’ U+2019), else 0.
std::size_t apostrophe_at(std::string_view text, std::size_t i) {
  if (text[i] == '\'') return 1;
  if (text.compare(i, 3, "\xE2\x80\x99") == 0) return 3;
  return 0;
}

// True when the bytes between two words are exactly one hyphen (-, U+2010, U+2011).
bool hyphen_between(std::string_view gap) {
  return gap == "-" || gap == "\xE2\x80\x90" || gap == "\xE2\x80\x91";
}

constexpr std::size_t kStemCacheLimit = 200000;

bool url_char(unsigned char c) {
  if (c <= ' ' || c == 0x7f) return false;
  switch (c) {
    case '<': case '>': case '"': case '\'': case '(': case ')': case '[': case ']':
    case '{': case '}': case '|': case '\\': case '^': case '`':
      return false;
    default:
      return true;
  }
}

bool email_local_char(unsigned char c) {
  return std::isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// Byte spans of URLs (scheme://..., www....) and e-mail addresses, in order, not overlapping.
std::vector<std::pair<std::size_t, std::size_t>> find_links(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  auto trim_end = [&](std::size_t b, std::size_t e) {
    while (e > b && std::string_view(".,;:!?").find(text[e - 1]) != std::string_view::npos) --e;
    return e;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t scheme = text.find("://", i);
    std::size_t www = text.find("www.", i);
    std::size_t at = text.find('@', i);
    std::size_t next = std::min({scheme, www, at});
    if (next == std::string_view::npos) break;
    std::size_t b = next, e = next;
    if (next == scheme) {
      while (b > 0 && std::isalpha(static_cast<unsigned char>(text[b - 1]))) --b;
      e = next + 3;
      while (e < text.size() && url_char(static_cast<unsigned char>(text[e]))) ++e;
      if (b == next || e == next + 3) {
        i = next + 3;
        continue;
      }
    } else if (next == www) {
      if (b > 0 && url_char(static_cast<unsigned char>(text[b - 1]))) {
        i = next + 4;
        continue;
      }
      while (e < text.size() && url_char(static_cast<unsigned char>(text[e]))) ++e;
    } else {
      while (b > 0 && email_local_char(static_cast<unsigned char>(text[b - 1]))) --b;
      e = next + 1;
      while (e < text.size() && (email_local_char(static_cast<unsigned char>(text[e])))) ++e;
      std::string_view domain = text.substr(next + 1, e - next - 1);
      if (b == next || domain.find('.') == std::string_view::npos) {
        i = next + 1;
        continue;
      }
    }
    e = trim_end(b, e);
    if (e > b + 4) spans.emplace_back(b, e);
    i = std::max(e, next + 1);
  }
  return spans;
}

}  // namespace

Analyzer::Analyzer() = default;
Analyzer::~Analyzer() = default;

void Analyzer::words(std::string_view text, std::vector<Word>& out) {
  std::size_t start = out.size();
  split_words(text, out);
  // URLs and e-mail addresses are also kept whole (as joined words after their parts), so that
  // searching for one finds it instead of its pieces.
  auto links = find_links(text);
  if (links.empty()) return;
  std::vector<Word> merged(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(start));
  std::size_t k = 0;
  for (std::size_t w = start; w <= out.size(); ++w) {
    while (k < links.size() && (w == out.size() || out[w].offset >= links[k].second)) {
      // ICU already keeps some of them (e-mail addresses) as one word.
      bool whole = std::any_of(merged.begin() + static_cast<std::ptrdiff_t>(start), merged.end(), [&](const Word& x) {
        return !x.joined && x.offset == links[k].first && x.length == links[k].second - links[k].first;
      });
      if (whole) {
        ++k;
        continue;
      }
      Word j;
      j.offset = links[k].first;
      j.length = links[k].second - links[k].first;
      j.exact = fold(text.substr(j.offset, j.length));
      j.base = strip_accents(j.exact);
      j.joined = true;
      merged.push_back(std::move(j));
      ++k;
    }
    if (w < out.size()) merged.push_back(std::move(out[w]));
  }
  out = std::move(merged);
}

void Analyzer::split_words(std::string_view text, std::vector<Word>& out) {
  raw_.clear();
  breaker_.split(text, raw_);
  std::size_t chain_start = 0;  // index in out of the first part of the current hyphen chain
  std::size_t chain_len = 0;
  std::size_t prev_end = std::string_view::npos;
  // After a chain of two or more hyphen-joined words, adds their joined form (C-MISE -> cmise).
  auto emit_chain = [&] {
    if (chain_len < 2) return;
    Word j;
    j.offset = out[chain_start].offset;
    const Word& last = out.back();
    j.length = last.offset + last.length - j.offset;
    for (std::size_t k = chain_start; k < out.size(); ++k) {
      j.exact += out[k].exact;
      j.base += out[k].base;
    }
    j.joined = true;
    out.push_back(std::move(j));
  };
  for (const RawWord& r : raw_) {
    std::string_view token = text.substr(r.offset, r.length);
    std::size_t offset = r.offset;
    // Elisions and possessives: l'immigration -> immigration, dell'Unione -> unione,
    // Europe's -> europe; other apostrophes are dropped (O'Brien -> obrien).
    std::string folded;
    for (std::size_t i = 0; i < token.size(); ++i) {
      std::size_t a = apostrophe_at(token, i);
      if (a == 0) continue;
      std::string head = fold(token.substr(0, i));
      std::string_view tail = token.substr(i + a);
      if (is_elision(head) && !tail.empty()) {
        token = tail;
        offset += i + a;
      } else if (fold(tail) == "s") {
        token = token.substr(0, i);
      }
      break;
    }
    folded = fold(token);
    if (folded.find('\'') != std::string::npos || folded.find("\xE2\x80\x99") != std::string::npos) {
      std::string cleaned;
      for (std::size_t i = 0; i < folded.size();) {
        std::size_t a = apostrophe_at(folded, i);
        if (a != 0) {
          i += a;
        } else {
          cleaned.push_back(folded[i++]);
        }
      }
      folded = std::move(cleaned);
    }
    if (folded.empty()) continue;

    Word w;
    w.offset = offset;
    w.length = token.size();
    w.base = strip_accents(folded);
    w.exact = std::move(folded);
    w.numeric = r.numeric;

    bool continues_chain = prev_end != std::string_view::npos && prev_end < r.offset &&
                           hyphen_between(text.substr(prev_end, r.offset - prev_end));
    prev_end = r.offset + r.length;
    if (!continues_chain) {
      emit_chain();
      chain_start = out.size();
      chain_len = 0;
    }
    ++chain_len;
    out.push_back(std::move(w));
  }
  emit_chain();
}

Xapian::Stem& Analyzer::stemmer(std::string_view lang) {
  auto it = stemmers_.find(lang);
  if (it == stemmers_.end()) it = stemmers_.emplace(std::string(lang), make_stemmer(lang)).first;
  return it->second;
}

const std::vector<std::string>& Analyzer::stems(const Word& word, std::string_view lang) {
  static const std::vector<std::string> kNone;
  if (word.numeric || stemmer_algorithm(lang).empty()) return kNone;
  std::string key(lang);
  key.push_back('|');
  key += word.exact;
  auto it = stem_cache_.find(key);
  if (it != stem_cache_.end()) return it->second;
  if (stem_cache_.size() >= kStemCacheLimit) stem_cache_.clear();
  Xapian::Stem& stem = stemmer(lang);
  std::vector<std::string> out;
  out.push_back(strip_accents(stem(word.exact)));
  if (word.base != word.exact) {
    std::string s = strip_accents(stem(word.base));
    if (s != out.front()) out.push_back(std::move(s));
  }
  return stem_cache_.emplace(std::move(key), std::move(out)).first->second;
}

void Analyzer::index_text(Xapian::Document& doc, std::string_view text, const FieldSpec& field,
                          std::string_view lang, Xapian::termpos& pos, std::string_view also_lang) {
  scratch_.clear();
  words(text, scratch_);
  const std::string prefix(field.prefix);
  std::string stem_prefix(schema::kStemPrefix);
  stem_prefix += prefix;
  std::string term;
  for (const Word& w : scratch_) {
    if (w.base.size() > (w.joined ? kMaxJoinedBytes : kMaxWordBytes)) continue;
    term.assign(prefix).append(w.base);
    if (w.joined || !field.positions) {
      doc.add_term(term, field.wdf_inc);
    } else {
      doc.add_posting(term, ++pos, field.wdf_inc);
    }
    if (prefix.empty() && w.exact != w.base) {
      term.assign(schema::kExactPrefix).append(w.exact);
      doc.add_term(term, field.wdf_inc);
    }
    for (const std::string& s : stems(w, lang)) {
      term.assign(stem_prefix).append(s);
      doc.add_term(term, field.wdf_inc);
    }
    if (!also_lang.empty() && also_lang != lang) {
      for (const std::string& s : stems(w, also_lang)) {
        term.assign(stem_prefix).append(s);
        doc.add_term(term, field.wdf_inc);
      }
    }
  }
  pos += schema::kFieldPositionGap;
}

}  // namespace passage::analysis
