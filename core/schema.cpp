#include "core/schema.hpp"

#include <vector>

#include "core/analysis/normalize.hpp"

namespace passage::schema {

const Facet* find_facet(std::string_view name) {
  for (const Facet& f : kFacets)
    if (f.name == name) return &f;
  return nullptr;
}

std::string facet_term(const Facet& facet, std::string_view value) {
  std::string term(facet.prefix);
  term += analysis::fold(value);
  if (term.size() > 240) term.resize(240);
  return term;
}

std::string extra_facet_term(std::string_view name, std::string_view value) {
  std::string term(kExtraFacetPrefix);
  term += analysis::fold(name);
  term += ':';
  term += analysis::fold(value);
  if (term.size() > 240) term.resize(240);
  return term;
}

std::string id_term(std::string_view id) {
  std::string term(kIdPrefix);
  term += id;
  return term;
}

std::string url_term(std::string_view url) {
  std::string term(kUrlPrefix);
  if (url.size() + term.size() <= 240) {
    term += url;
    return term;
  }
  // Keep a readable head and make the tail unique with a hash (FNV-1a, 64 bit).
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : url) {
    h ^= c;
    h *= 1099511628211ull;
  }
  term += url.substr(0, 200);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  term += buf;
  return term;
}

bool version_compatible(const Xapian::Database& db, std::string* found) {
  std::string v = db.get_metadata(std::string(kSchemaVersionKey));
  if (found != nullptr) *found = v;
  return v.empty() || v == std::to_string(kSchemaVersion);
}

std::string web_signature(const WebSignature& s) {
  std::string out = "http";
  for (const std::string* part : {&s.etag, &s.last_modified, &s.body_hash}) {
    out.push_back(kUnitSeparator);
    out += *part;
  }
  out.push_back(kUnitSeparator);
  out += std::to_string(s.depth);
  return out;
}

std::optional<WebSignature> parse_web_signature(std::string_view signature) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= signature.size(); ++i) {
    if (i == signature.size() || signature[i] == kUnitSeparator) {
      parts.push_back(signature.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() != 5 || parts[0] != "http") return std::nullopt;
  WebSignature s{std::string(parts[1]), std::string(parts[2]), std::string(parts[3]), 0};
  for (char c : parts[4]) {
    if (c < '0' || c > '9' || s.depth > 100000) return std::nullopt;
    s.depth = s.depth * 10 + (c - '0');
  }
  return s;
}

}  // namespace passage::schema
