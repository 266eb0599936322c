#include "core/config/corpus_config.hpp"

namespace passage::config {
namespace {

// Matches one path segment against one pattern segment (*, ?, [set]).
bool match_segment(std::string_view p, std::string_view s) {
  std::size_t pi = 0, si = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '[') {
      std::size_t close = p.find(']', pi + 1);
      if (close != std::string_view::npos) {
        bool negate = pi + 1 < close && (p[pi + 1] == '!' || p[pi + 1] == '^');
        bool found = false;
        for (std::size_t k = pi + 1 + (negate ? 1 : 0); k < close; ++k) {
          if (k + 2 < close && p[k + 1] == '-') {
            if (s[si] >= p[k] && s[si] <= p[k + 2]) found = true;
            k += 2;
          } else if (p[k] == s[si]) {
            found = true;
          }
        }
        if (found != negate) {
          pi = close + 1;
          ++si;
          continue;
        }
      }
    } else if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi;
      ++si;
      continue;
    } else if (pi < p.size() && p[pi] == '*') {
      star_p = pi++;
      star_s = si;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool match_segments(const std::vector<std::string_view>& p, std::size_t pi,
                    const std::vector<std::string_view>& s, std::size_t si) {
  if (pi == p.size()) return si == s.size();
  if (p[pi] == "**") {
    for (std::size_t k = si; k <= s.size(); ++k)
      if (match_segments(p, pi + 1, s, k)) return true;
    return false;
  }
  if (si == s.size()) return false;
  return match_segment(p[pi], s[si]) && match_segments(p, pi + 1, s, si + 1);
}

std::vector<std::string_view> split(std::string_view v) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= v.size()) {
    std::size_t slash = v.find('/', start);
    if (slash == std::string_view::npos) slash = v.size();
    if (slash > start) out.push_back(v.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  return match_segments(split(pattern), 0, split(path), 0);
}

}  // namespace passage::config
