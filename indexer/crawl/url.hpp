#pragma once
// URL normalisation for the crawler (Boost.URL): one canonical spelling per page, so a page
// reached by different links is fetched and indexed once.

#include <optional>
#include <string>
#include <string_view>

namespace passage::crawl {

/// The canonical form of an http(s) URL, resolving `ref` against `base` when base is given:
/// scheme and host lower-cased, percent-encoding and dot segments normalised, fragment and
/// userinfo dropped, default port (80/443) dropped, empty path made "/", a bare "?" dropped.
/// Surrounding whitespace is trimmed and inner spaces encoded. nullopt for other schemes
/// (mailto:, javascript:, ftp:, ...) and for what does not parse.
std::optional<std::string> canonical_url(std::string_view ref, std::string_view base = {});

/// Parts of a canonical URL (as produced by canonical_url).
struct UrlParts {
  std::string scheme;         // "http" or "https"
  std::string host;           // lower case, IPv6 in brackets
  std::string port;           // explicit port or the scheme's default, as digits
  std::string path_and_query; // "/a/b?x=1"
  std::string origin;         // scheme://host[:port], the unit of robots.txt and politeness
};
std::optional<UrlParts> url_parts(std::string_view url);

}  // namespace passage::crawl
