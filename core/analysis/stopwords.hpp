#pragma once
// Stopwords per language, used on the query side only (documents are indexed in full so that
// phrases with function words keep working). Words are compared in their accent-free folded form.

#include <string_view>

namespace passage::analysis {

/// True when base (folded, accents removed) is a stopword of lang. Languages without a list
/// have no stopwords.
bool is_stopword(std::string_view base, std::string_view lang);

}  // namespace passage::analysis
