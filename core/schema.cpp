#include "core/schema.hpp"

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

}  // namespace passage::schema
