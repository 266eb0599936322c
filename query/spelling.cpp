#include "query/spelling.hpp"

#include <algorithm>
#include <vector>

#include "core/analysis/spelling.hpp"
#include "core/schema.hpp"

namespace passage::query {
namespace {

// Documents the query would match for a word: the largest of its accent-free form's and its
// stems' frequencies (the query ORs them, so this is a lower bound of their union).
Xapian::doccount word_frequency(const analysis::Word& w, const ParserContext& ctx, const Xapian::Database& db) {
  Xapian::doccount f = db.get_termfreq(w.base);
  const std::string stem_prefix(schema::kStemPrefix);
  f = std::max(f, db.get_termfreq(stem_prefix + w.base));
  for (const auto& lang : ctx.languages)
    for (const auto& s : ctx.analyzer->stems(w, lang)) f = std::max(f, db.get_termfreq(stem_prefix + s));
  return f;
}

bool starts_upper(std::string_view s) { return !s.empty() && s.front() >= 'A' && s.front() <= 'Z'; }

struct Replacement {
  std::size_t offset, length;
  std::string text;
};

}  // namespace

std::optional<std::string> did_you_mean(std::string_view text, const ParserContext& ctx, const Xapian::Database& db,
                                        std::size_t total) {
  if (ctx.analyzer == nullptr) return std::nullopt;
  const Xapian::doccount docs = db.get_doccount();
  if (docs == 0) return std::nullopt;
  // "Rare": in at most this many documents.
  const Xapian::doccount rare = std::max<Xapian::doccount>(2, docs / 1000);
  std::vector<Replacement> replacements;
  std::vector<analysis::Word> words;
  for (const TextSpan& span : correctable_spans(text, ctx.declared_facets)) {
    std::string_view part = text.substr(span.offset, span.length);
    words.clear();
    ctx.analyzer->words(part, words);
    for (const analysis::Word& w : words) {
      if (w.joined || w.numeric || !analysis::spelling_word(w.base)) continue;
      Xapian::doccount freq = word_frequency(w, ctx, db);
      if (freq > rare && total >= kFewResults) continue;  // a known word, and results enough
      unsigned distance = w.base.size() <= 4 ? 1 : 2;
      std::string suggestion = db.get_spelling_suggestion(w.base, distance);
      if (suggestion.empty() || suggestion == w.base) continue;
      Xapian::doccount better = db.get_termfreq(suggestion);
      bool helps = (freq == 0 && better > 0) || (freq <= rare && better >= 10 * freq) ||
                   (total < kFewResults && better >= 3 * freq);
      if (!helps) continue;
      std::string_view typed = part.substr(w.offset, w.length);
      if (starts_upper(typed) && suggestion.front() >= 'a' && suggestion.front() <= 'z')
        suggestion.front() = static_cast<char>(suggestion.front() - 'a' + 'A');
      replacements.push_back({span.offset + w.offset, w.length, std::move(suggestion)});
    }
  }
  if (replacements.empty()) return std::nullopt;
  std::string out(text);
  // Spans and words come in text order: replace from the end so earlier offsets stay valid.
  for (auto r = replacements.rbegin(); r != replacements.rend(); ++r) out.replace(r->offset, r->length, r->text);
  return out;
}

}  // namespace passage::query
