#include "query/facet_counter.hpp"

#include <string_view>

#include "core/schema.hpp"

namespace passage::query {
namespace {

// Calls fn(part) for each non-empty part of a value packed with the record separator.
template <class F>
void each_packed(std::string_view packed, F&& fn) {
  std::size_t start = 0;
  while (start < packed.size()) {
    std::size_t end = packed.find(schema::kRecordSeparator, start);
    if (end == std::string_view::npos) end = packed.size();
    if (end > start) fn(packed.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace

FacetCounter::FacetCounter() {
  for (const auto& f : schema::kFacets)
    spies_.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(f.slot));
  spies_.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(schema::kSlotExtraFacets));
}

void FacetCounter::attach(Xapian::Enquire& enquire) {
  for (auto& spy : spies_) enquire.add_matchspy(spy.get());
}

std::map<std::string, std::map<std::string, std::size_t>> FacetCounter::counts() const {
  std::map<std::string, std::map<std::string, std::size_t>> out;
  std::size_t k = 0;
  for (const auto& f : schema::kFacets) {
    auto& counts = out[std::string(f.name)];
    const Xapian::ValueCountMatchSpy& spy = *spies_[k++];
    for (auto v = spy.values_begin(); v != spy.values_end(); ++v) {
      const std::string value = *v;
      const std::size_t n = v.get_termfreq();
      if (!f.multi) {
        counts[value] += n;
      } else {
        each_packed(value, [&](std::string_view part) { counts[std::string(part)] += n; });
      }
    }
  }
  const Xapian::ValueCountMatchSpy& extra = *spies_.back();
  for (auto v = extra.values_begin(); v != extra.values_end(); ++v) {
    const std::string value = *v;
    const std::size_t n = v.get_termfreq();
    each_packed(value, [&](std::string_view rec) {
      std::size_t us = rec.find(schema::kUnitSeparator);
      if (us != std::string_view::npos)
        out[std::string(rec.substr(0, us))][std::string(rec.substr(us + 1))] += n;
    });
  }
  return out;
}

std::size_t FacetCounter::documents_seen() const { return spies_.front()->get_total(); }

}  // namespace passage::query
