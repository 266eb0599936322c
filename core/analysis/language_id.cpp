#include "core/analysis/language_id.hpp"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <algorithm>
#include <cctype>

namespace passage::analysis {

LanguageGuess detect_language(std::string_view text) {
  constexpr std::size_t kMaxBytes = 64 * 1024;
  std::size_t len = std::min(text.size(), kMaxBytes);
  // Do not cut a UTF-8 sequence in half.
  while (len > 0 && len < text.size() && (static_cast<unsigned char>(text[len]) & 0xC0) == 0x80) --len;
  bool reliable = false;
  CLD2::Language langs[3];
  int percents[3];
  int text_bytes = 0;
  CLD2::DetectLanguageSummary(text.data(), static_cast<int>(len), /*is_plain_text=*/true, langs,
                              percents, &text_bytes, &reliable);
  LanguageGuess g;
  if (langs[0] == CLD2::UNKNOWN_LANGUAGE) return g;
  g.code = CLD2::LanguageCode(langs[0]);
  // CLD2 reports "zh-Hant" and friends; keep the primary subtag.
  if (auto dash = g.code.find('-'); dash != std::string::npos) g.code.resize(dash);
  g.reliable = reliable;
  g.percent = percents[0];
  return g;
}

std::string normalize_language_tag(std::string_view tag) {
  std::string t;
  for (char c : tag) {
    if (c == '-' || c == '_') break;
    t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (t.empty()) return {};
  if (t.size() == 2 && std::all_of(t.begin(), t.end(), [](char c) { return c >= 'a' && c <= 'z'; })) return t;
  // Three-letter codes and English names, via CLD2's own table.
  std::string upper = t;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CLD2::Language l = CLD2::GetLanguageFromName(upper.c_str());
  if (l == CLD2::UNKNOWN_LANGUAGE) l = CLD2::GetLanguageFromName(t.c_str());
  if (l == CLD2::UNKNOWN_LANGUAGE) return {};
  std::string code = CLD2::LanguageCode(l);
  if (code.size() != 2) return {};
  return code;
}

}  // namespace passage::analysis
