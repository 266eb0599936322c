#pragma once
// The Passage query language, parsed into a Xapian query over core/schema.hpp:
//   words                      migration policy          (any of them; more matches rank higher)
//   phrases                    "irregular migrants"
//   required / excluded        +asylum -Dublin
//   boolean operators          asylum AND (city OR municipality) NOT Dublin   (upper case only)
//   proximity                  integration NEAR/5 housing   (NEAR alone = within 10 words)
//   trailing wildcard          integrat*                  (expansion bounded)
//   text fields                title:refugees  author:"de Haas"
//   facet filters              kind:blog  org:COMPAS  lang:de  year:2019  source:eurocities
//                              country:Belgium (any facet declared in corpus-config)
//   year ranges                year:2015..2020  year:..2010  year:2018..
//   concepts                   concept:irregular-migrants (thesaurus id)
// With a thesaurus, plain words that spell a concept label in any language ("unaccompanied
// minors") also match documents tagged with that concept, whatever their language.
// Each word matches its exact form, its accent-free form and its stems in the query languages,
// with exact forms ranked above stems. Syntax errors are kInvalidArgument with what is wrong.

#include <xapian.h>

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/analysis/analyzer.hpp"
#include "core/analysis/thesaurus.hpp"
#include "core/error.hpp"

namespace passage::query {

/// What the snippet builder highlights: accent-free forms and stems of every positive word.
struct HighlightTerms {
  std::set<std::string> bases;
  std::set<std::string> stems;
};

/// A trailing wildcard of the query: as written (for messages) and as the term prefix it expands.
struct Wildcard {
  std::string text;    // "integrat*"
  std::string prefix;  // "integrat", or "Sintegrat" for title:integrat*
};

struct ParsedQuery {
  Xapian::Query query;     // match-all when the text holds only filters (or is empty)
  HighlightTerms highlight;
  bool has_text = false;   // false: no word or phrase (browse by filters only)
  std::vector<std::string> expanded_concepts;  // ids of the concepts the query named
  std::vector<Wildcard> wildcards;
};

struct ParserContext {
  analysis::Analyzer* analyzer = nullptr;
  std::vector<std::string> languages;        // stem query words in each of these
  std::vector<std::string> declared_facets;  // names usable as field filters
  Xapian::termcount max_wildcard_expansion = 200;
  /// When set, a trailing wildcard is expanded by the caller into the index terms with this
  /// prefix (at most max_wildcard_expansion + 1 of them), OR'ed with their own collection
  /// statistics; otherwise Xapian's OP_WILDCARD expands it in each database of the index.
  std::function<std::vector<std::string>(const std::string& prefix)> expand_prefix;
  /// When set, concept labels among a query's plain words add the concept (every language).
  const analysis::Thesaurus* thesaurus = nullptr;
};

/// Maximum nesting of parentheses.
inline constexpr int kMaxQueryDepth = 32;

Result<ParsedQuery> parse_query(std::string_view text, const ParserContext& context);

/// A byte range of query text whose words a spelling correction may replace: a plain word, the
/// inside of a phrase, the value of title: or author:. Operators, facet filters and wildcards
/// are never inside one. Empty when the text does not lex.
struct TextSpan {
  std::size_t offset = 0;
  std::size_t length = 0;
};
std::vector<TextSpan> correctable_spans(std::string_view text, const std::vector<std::string>& declared_facets);

/// The filter for a year value as written after `year:` or in a `year:` facet filter: a year
/// (2019) or a range (2015..2020, ..2010, 2018..). kInvalidArgument says what is wrong.
Result<Xapian::Query> year_query(std::string_view value);

}  // namespace passage::query
