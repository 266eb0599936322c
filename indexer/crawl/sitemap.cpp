#include "indexer/crawl/sitemap.hpp"

#include <cstdint>
#include <cstdlib>

#include "core/analysis/normalize.hpp"

namespace passage::crawl {
namespace {

// XML character data: CDATA sections verbatim, the five predefined entities and numeric
// character references decoded.
std::string decode(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s.substr(i, 9) == "<![CDATA[") {
      std::size_t end = s.find("]]>", i + 9);
      if (end == std::string_view::npos) end = s.size();
      out += s.substr(i + 9, end - i - 9);
      i = end + 3;
      continue;
    }
    if (s[i] == '&') {
      std::size_t semi = s.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        std::string_view name = s.substr(i + 1, semi - i - 1);
        static const std::pair<std::string_view, char> kNamed[] = {
            {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
        bool done = false;
        for (const auto& [n, c] : kNamed) {
          if (name == n) {
            out.push_back(c);
            done = true;
          }
        }
        if (!done && name.size() > 1 && name[0] == '#') {
          std::string digits(name.substr(1));
          int base = 10;
          if (!digits.empty() && (digits[0] == 'x' || digits[0] == 'X')) {
            digits.erase(0, 1);
            base = 16;
          }
          char* stop = nullptr;
          unsigned long cp = std::strtoul(digits.c_str(), &stop, base);
          if (!digits.empty() && *stop == '\0') {
            // A reference to NUL, a surrogate or past U+10FFFF is dropped.
            const auto code = static_cast<std::uint32_t>(cp);
            if (code != 0 && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF))
              analysis::append_utf8(out, code);
            done = true;
          }
        }
        if (done) {
          i = semi + 1;
          continue;
        }
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

Sitemap parse_sitemap(std::string_view xml) {
  Sitemap out;
  out.is_index = xml.find("<sitemapindex") != std::string_view::npos;
  std::size_t pos = 0;
  for (;;) {
    std::size_t open = xml.find("<loc", pos);
    if (open == std::string_view::npos) break;
    std::size_t gt = xml.find('>', open);
    if (gt == std::string_view::npos) break;
    // "<loc>" or "<loc attr...>", not "<location>"
    char after = xml[open + 4];
    if (after != '>' && after != ' ' && after != '\t' && after != '\r' && after != '\n') {
      pos = open + 4;
      continue;
    }
    std::size_t close = xml.find("</loc>", gt);
    if (close == std::string_view::npos) break;
    std::string loc(trim(decode(trim(xml.substr(gt + 1, close - gt - 1)))));
    if (!loc.empty()) out.locs.push_back(std::move(loc));
    pos = close + 6;
  }
  return out;
}

}  // namespace passage::crawl
