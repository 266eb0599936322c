#include "indexer/crawl/url.hpp"

// Boost.URL is used header-only: its sources are compiled into this one translation unit.
#include <boost/url/src.hpp>

namespace passage::crawl {
namespace urls = boost::urls;

namespace {

std::string clean_reference(std::string_view ref) {
  while (!ref.empty() && static_cast<unsigned char>(ref.front()) <= ' ') ref.remove_prefix(1);
  while (!ref.empty() && static_cast<unsigned char>(ref.back()) <= ' ') ref.remove_suffix(1);
  std::string out;
  out.reserve(ref.size());
  for (char c : ref) {
    if (c == ' ') {
      out += "%20";
    } else if (c == '\t' || c == '\n' || c == '\r') {
      // browsers strip tabs and newlines inside URLs
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool is_web_scheme(const urls::url_view_base& u) {
  return u.scheme_id() == urls::scheme::http || u.scheme_id() == urls::scheme::https;
}

// Percent-encodings in upper case, and decoded where they stand for an unreserved character
// (RFC 3986 6.2.2.1-2). Reserved ones such as %2F stay encoded: decoding them changes the URL.
std::string normalize_percent(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      char c = static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '.' || c == '_' || c == '~';
      if (unreserved) {
        out.push_back(c);
      } else {
        out.push_back('%');
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 1]))));
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 2]))));
      }
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> canonical_url(std::string_view ref_text, std::string_view base_text) {
  const std::string ref = clean_reference(ref_text);
  auto r = urls::parse_uri_reference(ref);
  if (!r) return std::nullopt;
  urls::url u;
  if (base_text.empty()) {
    // Resolving an absolute URL against itself removes its dot segments.
    if (!r->has_scheme()) return std::nullopt;
    if (!urls::resolve(*r, *r, u)) return std::nullopt;
  } else {
    auto b = urls::parse_uri(base_text);
    if (!b || !urls::resolve(*b, *r, u)) return std::nullopt;
  }
  if (!is_web_scheme(u) || !u.has_authority() || u.encoded_host().empty()) return std::nullopt;
  u.normalize_scheme();
  u.normalize_authority();
  u.remove_fragment();
  u.remove_userinfo();
  if (u.has_port()) {
    const bool default_port = u.port().empty() ||
                              (u.scheme_id() == urls::scheme::http && u.port_number() == 80) ||
                              (u.scheme_id() == urls::scheme::https && u.port_number() == 443);
    if (default_port) u.remove_port();
  }
  std::string out = std::string(u.scheme()) + "://" + std::string(u.encoded_host_and_port());
  std::string path = normalize_percent(u.encoded_path());
  out += path.empty() ? "/" : path;
  if (u.has_query() && !u.encoded_query().empty()) out.append("?").append(normalize_percent(u.encoded_query()));
  return out;
}

std::optional<UrlParts> url_parts(std::string_view text) {
  auto r = urls::parse_uri(text);
  if (!r || !is_web_scheme(*r) || r->encoded_host().empty()) return std::nullopt;
  UrlParts p;
  p.scheme = std::string(r->scheme());
  p.host = std::string(r->encoded_host());
  p.port = r->has_port() && !r->port().empty() ? std::string(r->port()) : (p.scheme == "https" ? "443" : "80");
  p.path_and_query = r->encoded_path().empty() ? "/" : std::string(r->encoded_path());
  // Appended piece by piece: g++ 12 at -O3 reports a false -Wrestrict for "?" + std::string.
  if (r->has_query()) p.path_and_query.append("?").append(std::string_view(r->encoded_query()));
  p.origin = p.scheme + "://" + p.host;
  if (r->has_port() && !r->port().empty()) p.origin.append(":").append(p.port);
  return p;
}

}  // namespace passage::crawl
