// Plain text and Markdown: charset repair, line-end normalisation, front matter, and a light
// Markdown-to-text pass (headings, emphasis, links, images, inline HTML, Liquid/Hugo shortcodes).

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "core/analysis/normalize.hpp"
#include "indexer/extract/charset.hpp"
#include "indexer/extract/extractor.hpp"
#include "indexer/extract/field_cleanup.hpp"
#include "indexer/extract/front_matter.hpp"

namespace passage::indexer {

namespace {

constexpr std::size_t kMaxTitleBytes = 200;

bool is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// UTF-8 with LF line ends and no control characters other than tab and newline.
std::string normalise(std::string_view bytes) {
  const std::string utf8 = decode_to_utf8(bytes);
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    if (utf8[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < utf8.size() && utf8[i + 1] == '\n') ++i;
    } else {
      out.push_back(utf8[i]);
    }
  }
  return analysis::sanitize_utf8(out);
}

// Lines trimmed at the end, runs of blank lines reduced to one, no blank space at either end.
std::string tidy_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t blank_run = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\f' ||
                             line.back() == '\v')) {
      line.remove_suffix(1);
    }
    if (trim(line).empty()) {
      ++blank_run;
    } else {
      if (!out.empty()) out += blank_run > 0 ? "\n\n" : "\n";
      blank_run = 0;
      out.append(line);
    }
    pos = nl + 1;
  }
  return out;
}

// Lines that label rather than say something: "URL: https://...", "Body Text:", a bare address.
bool is_label_line(std::string_view line) {
  if (starts_with(line, "http://") || starts_with(line, "https://") || starts_with(line, "www."))
    return true;
  if (line.size() <= 40 && line.back() == ':') return true;
  const std::size_t colon = line.find(": ");
  if (colon != std::string_view::npos && colon <= 20) {
    const std::string_view value = trim(line.substr(colon + 2));
    return starts_with(value, "http://") || starts_with(value, "https://");
  }
  return false;
}

// The first line that is not blank or a label, when it is short enough to be a title.
std::string first_line_title(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string line = collapse_whitespace(text.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.empty() || is_label_line(line)) continue;
    return line.size() <= kMaxTitleBytes ? line : std::string();
  }
  return {};
}

// ---- Markdown -----------------------------------------------------------------------------------

// Decodes the entity at s[0] == '&'; returns the bytes consumed (0 if not an entity we know).
std::size_t decode_entity(std::string_view s, std::string& out) {
  const std::size_t semi = s.find(';');
  if (semi == std::string_view::npos || semi < 2 || semi > 10) return 0;
  const std::string_view name = s.substr(1, semi - 1);
  if (name.front() == '#') {
    uint32_t cp = 0;
    const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (char c : digits) {
      uint32_t d;
      if (c >= '0' && c <= '9')
        d = static_cast<uint32_t>(c - '0');
      else if (hex && c >= 'a' && c <= 'f')
        d = static_cast<uint32_t>(c - 'a' + 10);
      else if (hex && c >= 'A' && c <= 'F')
        d = static_cast<uint32_t>(c - 'A' + 10);
      else
        return 0;
      cp = cp * (hex ? 16 : 10) + d;
      if (cp > 0x10FFFF) return 0;
    }
    analysis::append_utf8(out, cp);
    return semi + 1;
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kNamed = {{
      {"amp", "&"},
      {"lt", "<"},
      {"gt", ">"},
      {"quot", "\""},
      {"apos", "'"},
      {"nbsp", " "},
      {"ndash", "\u2013"},
      {"mdash", "\u2014"},
      {"hellip", "\u2026"},
      {"laquo", "\u00AB"},
      {"raquo", "\u00BB"},
      {"rsquo", "\u2019"},
      {"lsquo", "\u2018"},
      {"shy", ""},
  }};
  for (const auto& [n, v] : kNamed) {
    if (name == n) {
      out.append(v);
      return semi + 1;
    }
  }
  return 0;
}

bool is_block_html_tag(std::string_view name) {
  static constexpr std::array<std::string_view, 22> kBlock = {
      "p",          "div",     "br",      "li", "ul",  "ol",    "h1",         "h2",
      "h3",         "h4",      "h5",      "h6", "tr",  "table", "blockquote", "figure",
      "figcaption", "section", "article", "hr", "pre", "dd"};
  return std::find(kBlock.begin(), kBlock.end(), name) != kBlock.end();
}

// Finds `close` at or after `from` and returns the position after it, or npos.
std::size_t skip_past(std::string_view s, std::size_t from, std::string_view close) {
  const std::size_t at = s.find(close, from);
  return at == std::string_view::npos ? std::string_view::npos : at + close.size();
}

// Index of the ']' closing the '[' at s[open], allowing nested brackets; npos if none.
std::size_t matching_bracket(std::string_view s, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '[') {
      ++depth;
    } else if (s[i] == ']' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Index of the ')' closing the '(' at s[open], allowing one level of nested parentheses in URLs.
std::size_t matching_paren(std::string_view s, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < s.size(); ++i) {
    if (s[i] == '(')
      ++depth;
    else if (s[i] == ')' && --depth == 0)
      return i;
    else if (s[i] == '\n')
      return std::string_view::npos;
  }
  return std::string_view::npos;
}

// Runs of spaces and tabs become one space; lines lose their surrounding spaces.
std::string collapse_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (c == '\n') {
      space = false;
      out.push_back('\n');
      continue;
    }
    if (space && !out.empty() && out.back() != '\n') out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

class MarkdownStripper {
 public:
  // Inline syntax of one line (or one front-matter value) to text.
  std::string inline_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
      if (in_comment_) {
        const std::size_t end = skip_past(s, i, "-->");
        if (end == std::string_view::npos) return out;
        in_comment_ = false;
        i = end;
        continue;
      }
      const char c = s[i];
      const std::string_view rest = s.substr(i);
      if (c == '\\' && i + 1 < s.size() && !is_alnum(static_cast<unsigned char>(s[i + 1])) &&
          s[i + 1] != ' ') {
        out.push_back(s[i + 1]);
        i += 2;
        continue;
      }
      if (c == '{') {
        // Liquid {% %} / {{ }}, Hugo {{< >}} / {{% %}}, kramdown {: ...}.
        std::size_t end = std::string_view::npos;
        if (starts_with(rest, "{{<"))
          end = skip_past(s, i + 3, ">}}");
        else if (starts_with(rest, "{{%"))
          end = skip_past(s, i + 3, "%}}");
        else if (starts_with(rest, "{%"))
          end = skip_past(s, i + 2, "%}");
        else if (starts_with(rest, "{{"))
          end = skip_past(s, i + 2, "}}");
        else if (starts_with(rest, "{:"))
          end = skip_past(s, i + 2, "}");
        if (end != std::string_view::npos) {
          out.push_back(' ');
          i = end;
          continue;
        }
      }
      if (c == '<') {
        if (starts_with(rest, "<!--")) {
          in_comment_ = true;
          i += 4;
          continue;
        }
        // Autolinks <https://...> keep the address; tags go, block tags become line breaks.
        const std::size_t gt = s.find('>', i);
        if (gt != std::string_view::npos) {
          std::string_view inside = s.substr(i + 1, gt - i - 1);
          if (starts_with(inside, "http://") || starts_with(inside, "https://") ||
              starts_with(inside, "mailto:")) {
            out.append(inside);
            i = gt + 1;
            continue;
          }
          std::size_t n = inside.empty() || inside.front() != '/' ? 0 : 1;
          const std::size_t name_start = n;
          while (n < inside.size() && (is_alnum(static_cast<unsigned char>(inside[n])) &&
                                       static_cast<unsigned char>(inside[n]) < 0x80))
            ++n;
          if (n > name_start &&
              (n == inside.size() || inside[n] == ' ' || inside[n] == '/' || inside[n] == '\t')) {
            const std::string name = ascii_lower(inside.substr(name_start, n - name_start));
            if (is_block_html_tag(name)) out += '\n';
            i = gt + 1;
            continue;
          }
        }
      }
      if (c == '&') {
        if (const std::size_t used = decode_entity(rest, out); used > 0) {
          i += used;
          continue;
        }
      }
      if (c == '!' && i + 1 < s.size() && s[i + 1] == '[') {
        ++i;  // an image: keep its alt text like a link's text
        continue;
      }
      if (c == '[') {
        const std::size_t close = matching_bracket(s, i);
        if (close != std::string_view::npos) {
          const std::string_view label = s.substr(i + 1, close - i - 1);
          if (!label.empty() && label.front() == '^') {  // footnote reference
            i = close + 1;
            continue;
          }
          std::size_t after = close + 1;
          if (after < s.size() && s[after] == '(') {
            const std::size_t paren = matching_paren(s, after);
            if (paren != std::string_view::npos) after = paren + 1;
          } else if (after < s.size() && s[after] == '[') {
            const std::size_t ref = s.find(']', after);
            if (ref != std::string_view::npos) after = ref + 1;
          }
          if ((label == " " || label == "x" || label == "X") && after == close + 1) {
            i = after;  // task-list box
            continue;
          }
          out += inline_text(label);
          i = after;
          continue;
        }
      }
      if (c == '*' || c == '`' || (c == '~' && i + 1 < s.size() && s[i + 1] == '~')) {
        while (i < s.size() && s[i] == c) ++i;
        continue;
      }
      if (c == '_') {
        std::size_t j = i;
        while (j < s.size() && s[j] == '_') ++j;
        const bool word_before = i > 0 && is_alnum(static_cast<unsigned char>(s[i - 1]));
        const bool word_after = j < s.size() && is_alnum(static_cast<unsigned char>(s[j]));
        if (!(word_before && word_after)) {  // snake_case stays
          i = j;
          continue;
        }
        out.append(s.substr(i, j - i));
        i = j;
        continue;
      }
      out.push_back(c);
      ++i;
    }
    return out;
  }

  // One line of the document body; returns nullopt for lines that carry no text.
  std::optional<std::string> line(std::string_view raw) {
    std::string_view s = trim(raw);
    if (in_comment_) return inline_text(raw);
    if (starts_with(s, "```") || starts_with(s, "~~~")) {
      in_fence_ = !in_fence_;
      return std::string();
    }
    if (in_fence_) return std::string(raw);
    if (s.empty()) {
      previous_was_text_ = false;
      return std::string();
    }
    if (is_rule(s)) {
      // "Title\n=====" makes the previous line a level-1 heading.
      if (s.front() == '=' && previous_was_text_) setext_h1_ = true;
      previous_was_text_ = false;
      return std::string();
    }
    if (is_reference_definition(s) || is_table_separator(s)) return std::nullopt;
    while (!s.empty() && s.front() == '>') s = trim(s.substr(1));
    int heading = 0;
    while (heading < static_cast<int>(s.size()) && s[static_cast<std::size_t>(heading)] == '#')
      ++heading;
    if (heading > 0 && heading <= 6 && static_cast<std::size_t>(heading) < s.size()) {
      s = trim(s.substr(static_cast<std::size_t>(heading)));
      while (!s.empty() && s.back() == '#') s.remove_suffix(1);
      s = trim(s);
    } else {
      heading = 0;
      s = strip_list_marker(s);
    }
    std::string text = inline_text(s);
    if (!s.empty() && s.front() == '|') std::replace(text.begin(), text.end(), '|', ' ');
    last_heading_ = heading;
    previous_was_text_ = true;
    return collapse_spaces(text);
  }

  int last_heading() const { return last_heading_; }
  bool take_setext_h1() { return std::exchange(setext_h1_, false); }

 private:
  static bool is_rule(std::string_view s) {
    if (s.size() < 3) return false;
    const char c = s.front();
    if (c != '-' && c != '*' && c != '_' && c != '=') return false;
    std::size_t marks = 0;
    for (char ch : s) {
      if (ch == c)
        ++marks;
      else if (ch != ' ' && ch != '\t')
        return false;
    }
    return marks >= 3;
  }

  static bool is_reference_definition(std::string_view s) {
    if (s.empty() || s.front() != '[') return false;
    const std::size_t close = s.find("]:");
    return close != std::string_view::npos && close > 1 && s.find(' ') > close;
  }

  static bool is_table_separator(std::string_view s) {
    if (s.find('-') == std::string_view::npos || s.find('|') == std::string_view::npos)
      return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return c == '|' || c == '-' || c == ':' || c == ' ' || c == '\t';
    });
  }

  static std::string_view strip_list_marker(std::string_view s) {
    if (s.size() >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' ')
      return trim(s.substr(2));
    std::size_t d = 0;
    while (d < s.size() && d < 9 && s[d] >= '0' && s[d] <= '9') ++d;
    if (d > 0 && d + 1 < s.size() && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ')
      return trim(s.substr(d + 2));
    return s;
  }

  bool in_fence_ = false;
  bool in_comment_ = false;
  bool previous_was_text_ = false;
  bool setext_h1_ = false;
  int last_heading_ = 0;
};

bool key_is(const std::string& key, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

// Front-matter values that are prose rather than identifiers, paths or flags.
bool is_prose(std::string_view v) {
  if (starts_with(v, "http://") || starts_with(v, "https://") || starts_with(v, "/")) return false;
  return v.find(' ') != std::string_view::npos && count_letters(v, 4) >= 4;
}

Extracted extract_markdown(const std::string& text) {
  Extracted out;
  const FrontMatter fm = parse_front_matter(text);
  MarkdownStripper md;

  std::string front_text;
  std::string previous_key;
  int description_rank = 100;
  for (const FrontMatterEntry& e : fm.entries) {
    const std::string& key = e.key;
    if (key == "title") {
      if (out.title.empty())
        out.title = collapse_whitespace(e.value);  // YAML titles are plain text
    } else if (key_is(key, {"date", "publishdate", "published", "pubdate", "year", "created"})) {
      if (!out.year) out.year = first_year(e.value);
    } else if (key_is(key, {"lang", "language"})) {
      if (out.language.empty()) out.language = collapse_whitespace(e.value);
    } else if (key_is(key,
                      {"author", "authors", "author.name", "authors.name", "autor", "autores"})) {
      std::string name = collapse_whitespace(e.value);
      if (!name.empty() &&
          std::find(out.authors.begin(), out.authors.end(), name) == out.authors.end()) {
        out.authors.push_back(std::move(name));
      }
    } else if (key_is(key, {"description", "summary", "excerpt", "abstract"})) {
      const int rank = key == "description" ? 0 : key == "summary" ? 1 : key == "excerpt" ? 2 : 3;
      if (rank < description_rank) {
        description_rank = rank;
        out.description = collapse_whitespace(md.inline_text(e.value));
      }
    } else if (key_is(key, {"tags", "categories", "category", "keywords"}) || is_prose(e.value)) {
      // Items of one list share a paragraph: "brasil, eleicoes, variantes".
      if (!front_text.empty()) front_text += key == previous_key ? ", " : "\n\n";
      front_text += md.inline_text(e.value);
      previous_key = key;
    }
  }

  std::string body;
  body.reserve(fm.body.size());
  std::string first_h1;
  std::size_t pos = 0;
  std::string previous_line;
  while (pos < fm.body.size()) {
    std::size_t nl = fm.body.find('\n', pos);
    if (nl == std::string_view::npos) nl = fm.body.size();
    std::optional<std::string> line = md.line(fm.body.substr(pos, nl - pos));
    pos = nl + 1;
    if (md.take_setext_h1() && first_h1.empty()) first_h1 = collapse_whitespace(previous_line);
    if (!line) continue;
    if (md.last_heading() == 1 && first_h1.empty()) first_h1 = collapse_whitespace(*line);
    if (!line->empty()) previous_line = *line;
    body += *line;
    body += '\n';
  }

  out.text = tidy_lines(front_text.empty() ? body : front_text + "\n\n" + body);
  if (out.text.empty() && !out.description.empty()) out.text = out.description;
  if (out.title.empty()) out.title = std::string(utf8_prefix(first_h1, 2 * kMaxTitleBytes));
  if (out.title.empty()) out.title = first_line_title(out.text);
  return out;
}

}  // namespace

Result<Extracted> extract_text(std::string_view bytes, bool markdown) {
  const std::string text = normalise(bytes);
  Extracted out;
  if (markdown) {
    out = extract_markdown(text);
  } else {
    out.text = tidy_lines(text);
    out.title = first_line_title(out.text);
  }
  if (out.text.empty()) return make_error(ErrorCode::kDataLoss, "no extractable text");
  return out;
}

}  // namespace passage::indexer
