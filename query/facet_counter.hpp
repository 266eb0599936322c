#pragma once
// Exact facet counts over the whole match set, for single-valued facet slots and the
// multi-valued ones (concepts, declared facets: several values packed in one slot). One Xapian
// ValueCountMatchSpy per slot counts the distinct slot values; a packed value's count is then
// added to each value it holds. ValueCountMatchSpy is built into Xapian, so the same counting
// runs inside remote shard servers (xapian-tcpsrv) and their results merge exactly. Exact only
// when the enquiry examines every match: pass checkatleast = database size.

#include <xapian.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace passage::query {

class FacetCounter {
 public:
  FacetCounter();
  FacetCounter(const FacetCounter&) = delete;
  FacetCounter& operator=(const FacetCounter&) = delete;

  /// Adds the counting spies to an enquiry; call before get_mset. The counter must outlive it.
  void attach(Xapian::Enquire& enquire);

  /// facet name -> value -> documents, after get_mset.
  std::map<std::string, std::map<std::string, std::size_t>> counts() const;
  /// Documents the enquiry examined (every match, with checkatleast = database size).
  std::size_t documents_seen() const;

 private:
  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>>
      spies_;  // one per schema facet, then the extra slot
};

}  // namespace passage::query
