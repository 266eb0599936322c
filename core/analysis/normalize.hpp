#pragma once
// Unicode normalisation shared by indexer and query: NFKC + full case folding, accent removal.

#include <cstdint>
#include <string>
#include <string_view>

namespace passage::analysis {

/// NFKC + full case folding ("Straße" -> "strasse", "ＡＢＣ" -> "abc", "ΣΟΦΊΑ" -> "σοφία").
std::string fold(std::string_view utf8);

/// Removes combining marks after canonical decomposition ("réfugiés" -> "refugies",
/// "behörde" -> "behorde", "ё" -> "е"). Input should already be folded.
std::string strip_accents(std::string_view utf8);

/// Replaces invalid UTF-8 sequences with U+FFFD and drops NUL and C0 controls other than
/// tab/newline, so every later stage can trust the text.
std::string sanitize_utf8(std::string_view bytes);

/// True when `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF).
bool is_valid_utf8(std::string_view bytes) noexcept;

/// Appends code point cp as UTF-8; NUL, surrogates and values past U+10FFFF become U+FFFD.
void append_utf8(std::string& out, std::uint32_t cp);

/// True when every byte is ASCII.
bool is_ascii(std::string_view s) noexcept;

}  // namespace passage::analysis
