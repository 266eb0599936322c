#include "indexer/extract/front_matter.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "core/analysis/normalize.hpp"
#include "indexer/extract/charset.hpp"
#include "indexer/extract/field_cleanup.hpp"

namespace passage::indexer {

namespace {

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t nl = s.find('\n', pos);
    if (nl == std::string_view::npos) nl = s.size();
    lines.push_back(s.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::size_t indent_of(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return n;
}

bool is_fence(std::string_view line, std::string_view marker) { return trim(line) == marker; }

std::optional<uint32_t> parse_hex(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) {
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= static_cast<uint32_t>(c - 'A' + 10);
    else
      return std::nullopt;
  }
  return v;
}

// The body of a double-quoted YAML/TOML string, escapes resolved.
std::string unescape_double(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char e = s[++i];
    switch (e) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case '"':
      case '\\':
      case '/':
        out.push_back(e);
        break;
      case 'u':
      case 'U':
      case 'x': {
        const std::size_t len = e == 'u' ? 4 : e == 'U' ? 8 : 2;
        auto cp = i + len < s.size() ? parse_hex(s.substr(i + 1, len)) : std::nullopt;
        if (!cp) {
          out.push_back(e);
          break;
        }
        // A UTF-16 surrogate pair written as two \u escapes.
        if (*cp >= 0xD800 && *cp <= 0xDBFF && i + 11 <= s.size() &&
            s.compare(i + 5, 2, "\\u") == 0) {
          if (auto lo = parse_hex(s.substr(i + 7, 4)); lo && *lo >= 0xDC00 && *lo <= 0xDFFF) {
            analysis::append_utf8(out, 0x10000 + ((*cp - 0xD800) << 10) + (*lo - 0xDC00));
            i += 10;
            break;
          }
        }
        if (*cp < 0xD800 || *cp > 0xDFFF) analysis::append_utf8(out, *cp);
        i += len;
        break;
      }
      default:
        out.push_back(e);
        break;
    }
  }
  return out;
}

// Index of the closing quote of a string opened at s[0], or npos.
std::size_t closing_quote(std::string_view s) {
  const char q = s[0];
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (q == '"' && s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] == q) {
      if (q == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {  // '' is an escaped quote
        ++i;
        continue;
      }
      return i;
    }
  }
  return std::string_view::npos;
}

std::string unquote(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'')) {
    const std::size_t close = closing_quote(s);
    if (close != std::string_view::npos) {
      std::string_view inner = s.substr(1, close - 1);
      if (s.front() == '"') return unescape_double(inner);
      std::string out;
      for (std::size_t i = 0; i < inner.size(); ++i) {
        out.push_back(inner[i]);
        if (inner[i] == '\'' && i + 1 < inner.size() && inner[i + 1] == '\'') ++i;
      }
      return out;
    }
  }
  // A plain scalar: " #" starts a comment.
  if (const std::size_t hash = s.find(" #"); hash != std::string_view::npos)
    s = trim(s.substr(0, hash));
  return std::string(s);
}

bool is_null_like(std::string_view v) {
  return v.empty() || v == "null" || v == "~" || v == "Null" || v == "NULL";
}

// Splits "[a, 'b, c', d]" (brackets already removed) at top-level commas.
std::vector<std::string> split_inline_list(std::string_view s) {
  std::vector<std::string> items;
  std::size_t start = 0;
  char quote = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    const char c = i < s.size() ? s[i] : ',';
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ',') {
      std::string item = unquote(s.substr(start, i - start));
      if (!is_null_like(item)) items.push_back(std::move(item));
      start = i + 1;
    }
  }
  return items;
}

// Position of the ':' that ends a mapping key on this line, or npos ("key: v", "key:").
std::size_t key_colon(std::string_view content) {
  if (content.empty() || content.front() == '-' || content.front() == '[' ||
      content.front() == '{') {
    return std::string_view::npos;
  }
  std::size_t i = 0;
  if (content.front() == '"' || content.front() == '\'') {
    i = closing_quote(content);
    if (i == std::string_view::npos) return std::string_view::npos;
  }
  for (; i < content.size(); ++i) {
    if (content[i] == ':' &&
        (i + 1 == content.size() || content[i + 1] == ' ' || content[i + 1] == '\t'))
      return i;
    if (content[i] == ' ' && i + 1 < content.size() && content[i + 1] == '#')
      return std::string_view::npos;
  }
  return std::string_view::npos;
}

class YamlReader {
 public:
  explicit YamlReader(std::vector<std::string_view> lines) : lines_(std::move(lines)) {}

  std::vector<FrontMatterEntry> read() {
    while (i_ < lines_.size()) {
      const std::string_view line = lines_[i_];
      const std::string_view content = trim(line);
      if (content.empty() || content.front() == '#') {
        ++i_;
        continue;
      }
      const std::size_t indent = indent_of(line);
      if (content.front() == '-' && (content.size() == 1 || content[1] == ' ')) {
        list_item(indent, trim(content.substr(1)));
        continue;
      }
      const std::size_t colon = key_colon(content);
      if (colon == std::string_view::npos) {
        ++i_;
        continue;
      }
      while (!parents_.empty() && parents_.back().first >= indent) parents_.pop_back();
      std::string key = ascii_lower(unquote(content.substr(0, colon)));
      if (!parents_.empty()) key = parents_.back().second + "." + key;
      const std::string_view rest = trim(content.substr(colon + 1));
      ++i_;
      if (rest.empty() || rest.front() == '#' || rest == "&" || rest.front() == '&' ||
          rest.front() == '!') {
        parents_.emplace_back(indent, key);
        continue;
      }
      value(key, indent, rest);
    }
    return std::move(entries_);
  }

 private:
  void emit(const std::string& key, std::string value) {
    if (!is_null_like(value)) entries_.push_back({key, std::move(value)});
  }

  // A list item "- x" belongs to the closest key above it (YAML lets it sit at the key's indent).
  void list_item(std::size_t indent, std::string_view rest) {
    while (!parents_.empty() && parents_.back().first > indent) parents_.pop_back();
    const std::string key = parents_.empty() ? std::string("-") : parents_.back().second;
    ++i_;
    if (rest.empty()) return;
    // "- name: x" starts a mapping inside the list: read it as keys under the list's key.
    if (const std::size_t colon = key_colon(rest); colon != std::string_view::npos) {
      const std::string sub = key + "." + ascii_lower(unquote(rest.substr(0, colon)));
      const std::string_view v = trim(rest.substr(colon + 1));
      parents_.emplace_back(indent + 1, key);
      if (!v.empty()) value(sub, indent + 1, v);
      return;
    }
    value(key, indent, rest);
  }

  // The value starting with `rest` on the line before i_, possibly continued on later lines.
  void value(const std::string& key, std::size_t indent, std::string_view rest) {
    if (rest.front() == '|' || rest.front() == '>') {
      emit(key, block_scalar(indent, rest.front() == '|'));
      return;
    }
    if (rest.front() == '"' || rest.front() == '\'') {
      std::string joined(rest);
      while (closing_quote(joined) == std::string::npos && i_ < lines_.size()) {
        const std::string_view next = trim(lines_[i_++]);
        joined += next.empty() ? '\n' : ' ';
        joined += next;
      }
      emit(key, unquote(joined));
      return;
    }
    if (rest.front() == '[') {
      std::string joined(rest);
      while (joined.find(']') == std::string::npos && i_ < lines_.size()) {
        joined += ' ';
        joined += trim(lines_[i_++]);
      }
      const std::size_t close = joined.rfind(']');
      for (std::string& item : split_inline_list(std::string_view(joined).substr(
               1, close == std::string::npos ? std::string::npos : close - 1))) {
        emit(key, std::move(item));
      }
      return;
    }
    if (rest.front() == '{') return;  // inline maps carry no text we use
    // A plain scalar continues on more-indented lines that are not keys or list items.
    std::string joined = unquote(rest);
    while (i_ < lines_.size()) {
      const std::string_view next = lines_[i_];
      const std::string_view content = trim(next);
      if (content.empty() || indent_of(next) <= indent ||
          key_colon(content) != std::string_view::npos ||
          (content.front() == '-' && (content.size() == 1 || content[1] == ' '))) {
        break;
      }
      joined += ' ';
      joined += unquote(content);
      ++i_;
    }
    emit(key, std::move(joined));
  }

  // "|" keeps line breaks, ">" folds lines into one paragraph.
  std::string block_scalar(std::size_t indent, bool literal) {
    std::string out;
    while (i_ < lines_.size()) {
      const std::string_view next = lines_[i_];
      if (!trim(next).empty() && indent_of(next) <= indent) break;
      const std::string_view content = trim(next);
      if (!out.empty()) out += literal || content.empty() ? "\n" : " ";
      out += content;
      ++i_;
    }
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  std::vector<std::string_view> lines_;
  std::size_t i_ = 0;
  std::vector<std::pair<std::size_t, std::string>> parents_;  // (indent, key path)
  std::vector<FrontMatterEntry> entries_;
};

std::vector<FrontMatterEntry> read_toml(const std::vector<std::string_view>& lines) {
  std::vector<FrontMatterEntry> entries;
  std::string table;
  for (std::string_view line : lines) {
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      const std::size_t close = line.find(']');
      table = close == std::string_view::npos ? std::string()
                                              : ascii_lower(trim(line.substr(1, close - 1)));
      while (!table.empty() && table.front() == '[') table.erase(0, 1);
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key = ascii_lower(unquote(line.substr(0, eq)));
    if (!table.empty()) key = table + "." + key;
    const std::string_view rest = trim(line.substr(eq + 1));
    if (!rest.empty() && rest.front() == '[') {
      const std::size_t close = rest.rfind(']');
      for (std::string& item : split_inline_list(rest.substr(
               1, close == std::string_view::npos ? std::string_view::npos : close - 1))) {
        entries.push_back({key, std::move(item)});
      }
    } else if (std::string v = unquote(rest); !is_null_like(v)) {
      entries.push_back({key, std::move(v)});
    }
  }
  return entries;
}

// Pelican and MultiMarkdown start with "Title: x" lines up to the first blank line.
bool is_pelican_header(std::string_view first_line) {
  const std::size_t colon = first_line.find(':');
  if (colon == std::string_view::npos || colon + 1 >= first_line.size() ||
      first_line[colon + 1] != ' ')
    return false;
  const std::string key = ascii_lower(first_line.substr(0, colon));
  return key == "title" || key == "date" || key == "author" || key == "authors";
}

}  // namespace

FrontMatter parse_front_matter(std::string_view text) {
  FrontMatter fm;
  fm.body = text;
  const std::vector<std::string_view> head = split_lines(text.substr(0, text.find('\n')));
  if (head.empty()) return fm;
  const std::string_view first = head.front();

  for (std::string_view marker : {std::string_view("---"), std::string_view("+++")}) {
    if (!is_fence(first, marker)) continue;
    // Find the closing fence ("..." also ends YAML).
    std::size_t pos = text.find('\n');
    std::vector<std::string_view> lines;
    while (pos != std::string_view::npos && pos < text.size()) {
      const std::size_t start = pos + 1;
      std::size_t nl = text.find('\n', start);
      const std::string_view line =
          text.substr(start, (nl == std::string_view::npos ? text.size() : nl) - start);
      if (is_fence(line, marker) || (marker == "---" && is_fence(line, "..."))) {
        fm.entries = marker == "---" ? YamlReader(std::move(lines)).read() : read_toml(lines);
        fm.body = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        return fm;
      }
      lines.push_back(line);
      pos = nl;
    }
    return fm;  // no closing fence: not front matter
  }

  if (is_pelican_header(first)) {
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      const std::string_view line = trim(text.substr(pos, nl - pos));
      if (line.empty()) break;
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) break;
      std::string value(trim(line.substr(colon + 1)));
      if (!value.empty())
        fm.entries.push_back({ascii_lower(trim(line.substr(0, colon))), std::move(value)});
      pos = nl + 1;
    }
    fm.body = text.substr(std::min(pos, text.size()));
  }
  return fm;
}

}  // namespace passage::indexer
