#include "indexer/extract/field_cleanup.hpp"

#include <algorithm>
#include <array>

namespace passage::indexer {

namespace {

bool is_ascii_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Length of a Unicode space at s[i] (0 if none); sets `drop` for zero-width characters.
std::size_t unicode_space_at(std::string_view s, std::size_t i, bool& drop) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  drop = false;
  if (b0 == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  if (i + 2 >= s.size()) return 0;
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  const auto b2 = static_cast<unsigned char>(s[i + 2]);
  if (b0 == 0xE2 && b1 == 0x80) {
    if (b2 >= 0x80 && b2 <= 0x8A) return 3;  // U+2000..U+200A
    if (b2 == 0x8B) {                        // U+200B zero-width space
      drop = true;
      return 3;
    }
    if (b2 == 0xAF) return 3;  // U+202F
  }
  if (b0 == 0xE2 && b1 == 0x81 && b2 == 0x9F) return 3;  // U+205F
  if (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) return 3;  // U+3000
  if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {          // U+FEFF
    drop = true;
    return 3;
  }
  return 0;
}

}  // namespace

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (is_ascii_space(c)) {
      pending_space = true;
      ++i;
      continue;
    }
    if (c >= 0x80) {
      bool drop = false;
      if (std::size_t n = unicode_space_at(s, i, drop); n > 0) {
        if (!drop) pending_space = true;
        i += n;
        continue;
      }
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.push_back(static_cast<char>(c));
    ++i;
  }
  return out;
}

std::optional<int> first_year(std::string_view s) {
  for (std::size_t i = 0; i + 4 <= s.size(); ++i) {
    if (!is_digit(s[i]) || (i > 0 && is_digit(s[i - 1]))) continue;
    if (!is_digit(s[i + 1]) || !is_digit(s[i + 2]) || !is_digit(s[i + 3])) continue;
    if (i + 4 < s.size() && is_digit(s[i + 4])) continue;
    const int year =
        (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
    if (year >= 1900 && year <= 2100) return year;
  }
  return std::nullopt;
}

std::size_t count_letters(std::string_view s, std::size_t limit) {
  std::size_t n = 0;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    // ASCII letters, and the lead byte of every non-ASCII character.
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xC0) {
      if (++n >= limit) break;
    }
  }
  return n;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

bool is_junk_title(std::string_view title) {
  const std::string t = ascii_lower(collapse_whitespace(title));
  if (t.size() < 4 || count_letters(t, 2) < 2) return true;

  static constexpr std::array<std::string_view, 6> kPrefixes = {
      "microsoft word - ", "microsoft powerpoint - ", "microsoft excel - ", "untitled", "document1",
      "dokument1"};
  for (std::string_view p : kPrefixes) {
    if (t.compare(0, p.size(), p) == 0) return true;
  }
  static constexpr std::array<std::string_view, 16> kSuffixes = {
      ".doc", ".docx", ".pdf", ".indd", ".rtf", ".odt",  ".tex", ".dvi",
      ".ps",  ".qxd",  ".ppt", ".pptx", ".xls", ".xlsx", ".txt", ".html"};
  for (std::string_view s : kSuffixes) {
    if (t.size() > s.size() && t.compare(t.size() - s.size(), s.size(), s) == 0) return true;
  }
  static constexpr std::array<std::string_view, 9> kPlaceholders = {
      "title",   "document", "no title", "kein titel", "layout 1",
      "slide 1", "blank",    "print",    "pdf"};
  if (std::find(kPlaceholders.begin(), kPlaceholders.end(), t) != kPlaceholders.end()) return true;
  // File and template names: "Factsheet_JuF", "report_v2.p65", "Frontex Letterhead Template",
  // "CountryCode".
  if (t.find('_') != std::string::npos || t.find("template") != std::string::npos) return true;
  if (const std::size_t dot = t.rfind('.'); dot != std::string::npos && t.size() - dot >= 3 &&
                                            t.size() - dot <= 5 &&
                                            t.find(' ', dot) == std::string::npos) {
    bool ext = t[dot + 1] >= 'a' && t[dot + 1] <= 'z';
    for (std::size_t i = dot + 1; i < t.size(); ++i)
      ext = ext && ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9'));
    if (ext) return true;
  }
  const std::string trimmed = collapse_whitespace(title);
  if (trimmed.find(' ') == std::string::npos) {
    for (std::size_t i = 1; i < trimmed.size(); ++i) {
      if (trimmed[i] >= 'A' && trimmed[i] <= 'Z' && trimmed[i - 1] >= 'a' && trimmed[i - 1] <= 'z')
        return true;
    }
  }
  // A file path.
  if (t.find('\\') != std::string::npos || t.front() == '/' ||
      (t.size() > 2 && t[1] == ':' && t[2] == '/')) {
    return true;
  }
  return false;
}

std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace passage::indexer
