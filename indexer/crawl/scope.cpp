#include "indexer/crawl/scope.hpp"

#include <algorithm>

#include "indexer/crawl/url.hpp"

namespace passage::crawl {

Scope::Scope(const config::WebSettings& web) : hosts_(web.allow_hosts) {
  // The config check has compiled every pattern already.
  for (const std::string& r : web.include_urls) include_.emplace_back(r, std::regex::ECMAScript);
  for (const std::string& r : web.exclude_urls) exclude_.emplace_back(r, std::regex::ECMAScript);
}

std::optional<std::string> Scope::refuse(std::string_view url) const {
  if (url.size() > kMaxUrlLength) return "URL longer than " + std::to_string(kMaxUrlLength) + " characters";
  std::optional<UrlParts> parts = url_parts(url);
  if (!parts) return "not an http(s) URL";
  if (std::find(hosts_.begin(), hosts_.end(), parts->host) == hosts_.end()) return "host not in allow_hosts";
  const std::string u(url);
  if (!include_.empty() &&
      std::none_of(include_.begin(), include_.end(), [&](const std::regex& re) { return std::regex_search(u, re); }))
    return "not matched by include_urls";
  if (std::any_of(exclude_.begin(), exclude_.end(), [&](const std::regex& re) { return std::regex_search(u, re); }))
    return "matched by exclude_urls";
  return std::nullopt;
}

}  // namespace passage::crawl
