#include "query/facet_counter.hpp"

#include "core/schema.hpp"

namespace passage::query {

FacetCounter::FacetCounter() {
  for (const auto& f : schema::kFacets) counts_[std::string(f.name)];
}

void FacetCounter::operator()(const Xapian::Document& doc, double) {
  ++seen_;
  for (const auto& f : schema::kFacets) {
    std::string v = doc.get_value(f.slot);
    if (v.empty()) continue;
    auto& counts = counts_[std::string(f.name)];
    if (!f.multi) {
      ++counts[v];
      continue;
    }
    std::size_t start = 0;
    while (start < v.size()) {
      std::size_t end = v.find(schema::kRecordSeparator, start);
      if (end == std::string::npos) end = v.size();
      if (end > start) ++counts[v.substr(start, end - start)];
      start = end + 1;
    }
  }
  std::string extra = doc.get_value(schema::kSlotExtraFacets);
  std::size_t start = 0;
  while (start < extra.size()) {
    std::size_t end = extra.find(schema::kRecordSeparator, start);
    if (end == std::string::npos) end = extra.size();
    std::string_view rec(extra.data() + start, end - start);
    std::size_t us = rec.find(schema::kUnitSeparator);
    if (us != std::string_view::npos) ++counts_[std::string(rec.substr(0, us))][std::string(rec.substr(us + 1))];
    start = end + 1;
  }
}

}  // namespace passage::query
