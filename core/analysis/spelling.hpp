#pragma once
// Which index terms go into the spelling dictionary behind "did you mean". The indexer adds and
// removes them; the query side corrects only words that pass the same test.

#include <string_view>

namespace passage::analysis {

/// An unprefixed (folded, accent-free) word of 3 to 40 bytes, without digits and without the
/// punctuation of URLs, e-mail addresses and joined compounds.
bool spelling_word(std::string_view term);

}  // namespace passage::analysis
