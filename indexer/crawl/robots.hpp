#pragma once
// robots.txt (RFC 9309): the group for our user agent, Allow/Disallow with `*` and `$`, the
// longest matching rule wins (Allow on a tie), and the non-standard but common Crawl-delay.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace passage::crawl {

class RobotsRules {
 public:
  /// The rules of robots.txt `text` for `user_agent` (its product token, the part before the
  /// first '/' or space, is matched case-insensitively against each group's User-agent; the
  /// longest matching name wins, else the `*` group; groups with the same name are merged).
  static RobotsRules parse(std::string_view text, std::string_view user_agent);
  static RobotsRules allow_all() { return {}; }
  /// What RFC 9309 asks for when robots.txt is unreachable (5xx, network error).
  static RobotsRules disallow_all();

  /// Whether a path (with its query, percent-encoded as in the URL) may be fetched.
  bool allowed(std::string_view path_and_query) const;
  /// Crawl-delay of the chosen group, in seconds.
  std::optional<double> crawl_delay() const { return crawl_delay_; }

 private:
  struct Rule {
    bool allow;
    std::string pattern;
  };
  std::vector<Rule> rules_;
  std::optional<double> crawl_delay_;
};

/// Whether a robots.txt path pattern (`*` any run of characters, `$` at the end anchors) matches
/// the start of path. Exposed for tests.
bool robots_pattern_matches(std::string_view pattern, std::string_view path);

}  // namespace passage::crawl
