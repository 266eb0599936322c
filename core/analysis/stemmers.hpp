#pragma once
// Snowball stemmers per language: Xapian's own, plus Debian's libstemmer (Snowball 2.2) for the
// languages Xapian 1.4 lacks (Greek, Hindi, Serbian). Languages with no stemmer anywhere (Polish,
// Czech, Ukrainian, ...) are indexed unstemmed but normalised.

#include <xapian.h>

#include <string>
#include <string_view>
#include <vector>

namespace passage::analysis {

/// The Snowball algorithm name for an ISO 639-1 code ("de" -> "german"), or "" if none.
std::string_view stemmer_algorithm(std::string_view lang);

/// ISO codes of every language that has a stemmer.
std::vector<std::string> stemmed_languages();

/// A new stemmer for a language (Xapian::Stem("none") when there is none). Not thread-safe:
/// each thread makes its own.
Xapian::Stem make_stemmer(std::string_view lang);

}  // namespace passage::analysis
