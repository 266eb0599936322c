#include "core/config/corpus_config.hpp"

#include <vector>

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

// Whether pattern segments p[pi..] match path segments s[si..]. Memoised on (pi, si): with
// several `**` the plain recursion tries every way of splitting the path among them, which is
// exponential (the config fuzzer found a pattern that took minutes); this is O(|p| x |s|).
class SegmentMatcher {
 public:
  SegmentMatcher(const std::vector<std::string_view>& p, const std::vector<std::string_view>& s)
      : p_(p), s_(s), memo_((p.size() + 1) * (s.size() + 1), kUnknown) {}

  bool match(std::size_t pi, std::size_t si) {
    signed char& m = memo_[pi * (s_.size() + 1) + si];
    if (m == kUnknown) m = compute(pi, si) ? 1 : 0;
    return m == 1;
  }

 private:
  static constexpr signed char kUnknown = -1;

  bool compute(std::size_t pi, std::size_t si) {
    if (pi == p_.size()) return si == s_.size();
    if (p_[pi] == "**") {
      // `**` takes no segment, or one more segment and stays.
      return match(pi + 1, si) || (si < s_.size() && match(pi, si + 1));
    }
    if (si == s_.size()) return false;
    return match_segment(p_[pi], s_[si]) && match(pi + 1, si + 1);
  }

  const std::vector<std::string_view>& p_;
  const std::vector<std::string_view>& s_;
  std::vector<signed char> memo_;
};

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
  const std::vector<std::string_view> p = split(pattern), s = split(path);
  return SegmentMatcher(p, s).match(0, 0);
}

}  // namespace passage::config
