#pragma once
// Which URLs a web source may crawl: hosts from allow_hosts (exactly, any port), then the
// include_urls / exclude_urls regular expressions (ECMAScript, std::regex_search on the whole
// canonical URL; exclude wins). The same rule applies to seeds, sitemap entries, links and
// redirect targets.

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/corpus_config.hpp"

namespace passage::crawl {

class Scope {
 public:
  /// Longer URLs are refused (they are rarely documents, and std::regex recurses per character).
  static constexpr std::size_t kMaxUrlLength = 2048;

  explicit Scope(const config::WebSettings& web);
  /// Why a canonical URL is out of scope, or nullopt when it is in scope.
  std::optional<std::string> refuse(std::string_view url) const;

 private:
  std::vector<std::string> hosts_;
  std::vector<std::regex> include_, exclude_;
};

}  // namespace passage::crawl
