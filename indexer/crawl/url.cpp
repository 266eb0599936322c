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

}  // namespace

std::optional<std::string> canonical_url(std::string_view ref_text, std::string_view base_text) {
  const std::string ref = clean_reference(ref_text);
  urls::url u;
  if (base_text.empty()) {
    auto r = urls::parse_uri(ref);
    if (!r) return std::nullopt;
    u = *r;
  } else {
    auto b = urls::parse_uri(base_text);
    auto r = urls::parse_uri_reference(ref);
    if (!b || !r) return std::nullopt;
    if (!urls::resolve(*b, *r, u)) return std::nullopt;
  }
  if (!is_web_scheme(u) || !u.has_authority() || u.encoded_host().empty()) return std::nullopt;
  u.normalize();
  u.remove_fragment();
  u.remove_userinfo();
  if (u.has_port()) {
    const bool default_port = u.port().empty() ||
                              (u.scheme_id() == urls::scheme::http && u.port_number() == 80) ||
                              (u.scheme_id() == urls::scheme::https && u.port_number() == 443);
    if (default_port) u.remove_port();
  }
  if (u.encoded_path().empty()) u.set_encoded_path("/");
  if (u.has_query() && u.encoded_query().empty()) u.remove_query();
  return std::string(u.buffer());
}

std::optional<UrlParts> url_parts(std::string_view text) {
  auto r = urls::parse_uri(text);
  if (!r || !is_web_scheme(*r) || r->encoded_host().empty()) return std::nullopt;
  UrlParts p;
  p.scheme = std::string(r->scheme());
  p.host = std::string(r->encoded_host());
  p.port = r->has_port() && !r->port().empty() ? std::string(r->port()) : (p.scheme == "https" ? "443" : "80");
  p.path_and_query = r->encoded_path().empty() ? "/" : std::string(r->encoded_path());
  if (r->has_query()) p.path_and_query += "?" + std::string(r->encoded_query());
  p.origin = p.scheme + "://" + p.host;
  if (r->has_port() && !r->port().empty()) p.origin += ":" + p.port;
  return p;
}

}  // namespace passage::crawl
