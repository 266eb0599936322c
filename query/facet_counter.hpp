#pragma once
// Exact facet counts over the whole match set: a Xapian MatchSpy that reads every facet slot of
// every matching document, including the multi-valued slot of declared facets (Xapian's
// ValueCountMatchSpy handles only one value per slot). Exact only when the enquiry examines every
// match: pass checkatleast = database size.

#include <xapian.h>

#include <map>
#include <string>
#include <vector>

namespace passage::query {

class FacetCounter : public Xapian::MatchSpy {
 public:
  FacetCounter();
  void operator()(const Xapian::Document& doc, double wt) override;

  /// facet name -> value -> count.
  const std::map<std::string, std::map<std::string, std::size_t>>& counts() const { return counts_; }
  std::size_t documents_seen() const { return seen_; }

 private:
  std::map<std::string, std::map<std::string, std::size_t>> counts_;
  std::size_t seen_ = 0;
};

}  // namespace passage::query
