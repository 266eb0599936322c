#pragma once
// Language identification with CLD2 (Debian libcld2): fast, covers 80+ languages, and reports
// whether its guess is reliable.

#include <string>
#include <string_view>

namespace passage::analysis {

struct LanguageGuess {
  std::string code;  // ISO 639-1 ("en", "de", "zh"...), "" when unknown
  bool reliable = false;
  int percent = 0;  // share of the text in that language
};

/// Identifies the main language of UTF-8 text (only the first ~64 KB are read).
LanguageGuess detect_language(std::string_view utf8_text);

/// Normalises a language tag from metadata ("de-AT", "EN_us", "deu", "German") to an ISO
/// 639-1 code, or "" when it is not recognised.
std::string normalize_language_tag(std::string_view tag);

}  // namespace passage::analysis
