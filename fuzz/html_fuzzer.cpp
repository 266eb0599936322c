// HTML extraction (gumbo, charset repair, nesting limit) on arbitrary bytes.

#include "fuzz/fuzz_targets.hpp"
#include "core/analysis/normalize.hpp"
#include "indexer/extract/extractor.hpp"

namespace passage::fuzz {

int html_extract(std::string_view bytes) {
  auto extracted = indexer::extract_html(bytes);
  if (!extracted) return 0;
  require(analysis::is_valid_utf8(extracted->text), "html: text is valid UTF-8");
  require(analysis::is_valid_utf8(extracted->title), "html: title is valid UTF-8");
  require(analysis::is_valid_utf8(extracted->description), "html: description is valid UTF-8");
  for (const auto& author : extracted->authors) {
    require(analysis::is_valid_utf8(author), "html: authors are valid UTF-8");
  }
  return 0;
}

}  // namespace passage::fuzz

#ifdef PASSAGE_FUZZ_ENTRY
#include "fuzz/fuzz_entry.hpp"
PASSAGE_FUZZ_ENTRY_POINT(passage::fuzz::html_extract)
#endif
