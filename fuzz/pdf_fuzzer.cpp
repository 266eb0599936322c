// PDF extraction (Poppler) on arbitrary bytes: the function an isolated PDF worker calls. Memory
// and time per input are bounded by libFuzzer (-rss_limit_mb, -timeout in scripts/fuzz.sh).

#include <algorithm>

#include "fuzz/fuzz_targets.hpp"
#include "core/analysis/normalize.hpp"
#include "indexer/extract/extractor.hpp"

namespace passage::fuzz {

int pdf_extract(std::string_view bytes) {
  auto extracted = indexer::extract_pdf(bytes);
  if (!extracted) return 0;
  require(analysis::is_valid_utf8(extracted->text), "pdf: text is valid UTF-8");
  require(analysis::is_valid_utf8(extracted->title), "pdf: title is valid UTF-8");
  const auto& offsets = extracted->page_offsets;
  require(offsets.empty() || offsets.front() == 0, "pdf: the first page starts at 0");
  require(std::is_sorted(offsets.begin(), offsets.end()), "pdf: page offsets never decrease");
  require(offsets.empty() || offsets.back() <= extracted->text.size(),
          "pdf: page offsets lie within the text");
  return 0;
}

}  // namespace passage::fuzz

#ifdef PASSAGE_FUZZ_ENTRY
#include "fuzz/fuzz_entry.hpp"
PASSAGE_FUZZ_ENTRY_POINT(passage::fuzz::pdf_extract)
#endif
