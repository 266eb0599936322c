#pragma once
// Small text rules shared by the extractors: whitespace collapsing, years, junk titles.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace passage::indexer {

/// Trims and collapses runs of whitespace (ASCII, NBSP and the Unicode space separators) to one
/// ASCII space; zero-width spaces and BOMs are dropped.
std::string collapse_whitespace(std::string_view utf8);

/// The first standalone 4-digit number between 1900 and 2100 ("2019-05-03", "D:20190503" is not
/// standalone, "May 2019" is).
std::optional<int> first_year(std::string_view s);

/// Letters in `utf8`, counting every non-ASCII character as a letter; stops counting at `limit`.
std::size_t count_letters(std::string_view utf8, std::size_t limit = static_cast<std::size_t>(-1));

/// True for titles that say nothing about the document: empty, shorter than 4 characters,
/// without letters, file names ("report.docx"), word-processor prefixes ("Microsoft Word - x"),
/// placeholders ("Untitled", "Document1").
bool is_junk_title(std::string_view title);

/// The longest prefix of `utf8` of at most `max_bytes` bytes that does not cut a character.
std::string_view utf8_prefix(std::string_view utf8, std::size_t max_bytes);

/// ASCII lower-casing (other bytes unchanged).
std::string ascii_lower(std::string_view s);

}  // namespace passage::indexer
