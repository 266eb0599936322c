#pragma once
// "Did you mean": corrects the words of a query from the index's spelling dictionary (Xapian
// spelling data, filled by the indexer with analysis::spelling_word terms), keeping field names,
// operators, quotes and every other character of the query as typed.

#include <xapian.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "query/query_parser.hpp"

namespace passage::query {

/// Fewer matches than this make a correction worth offering even for words the index knows.
inline constexpr std::size_t kFewResults = 3;

/// The corrected query, or nothing when no correction would help. A word is replaced when the
/// dictionary has a close word (edit distance 1 for words up to 4 letters, else 2) and the word
/// is absent from the index (in every form the query would match: accent-free form and stems),
/// or rare (a handful of documents) while the correction is at least 10 times as frequent, or
/// the query found fewer than kFewResults documents and the correction is at least 3 times as
/// frequent. total is the number of documents the query matched.
std::optional<std::string> did_you_mean(std::string_view text, const ParserContext& context, const Xapian::Database& db,
                                        std::size_t total);

}  // namespace passage::query
