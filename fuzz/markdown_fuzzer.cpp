// Markdown and plain-text extraction: front matter (YAML, TOML, "Key: value" headers), charset
// repair, titles from headings and first lines.

#include "fuzz/fuzz_targets.hpp"
#include "core/analysis/normalize.hpp"
#include "indexer/extract/extractor.hpp"

namespace passage::fuzz {

int markdown_extract(std::string_view bytes) {
  for (bool markdown : {true, false}) {
    auto extracted = indexer::extract_text(bytes, markdown);
    if (!extracted) continue;
    require(analysis::is_valid_utf8(extracted->text), "markdown: text is valid UTF-8");
    require(analysis::is_valid_utf8(extracted->title), "markdown: title is valid UTF-8");
    for (const auto& author : extracted->authors) {
      require(analysis::is_valid_utf8(author), "markdown: authors are valid UTF-8");
    }
  }
  return 0;
}

}  // namespace passage::fuzz

#ifdef PASSAGE_FUZZ_ENTRY
#include "fuzz/fuzz_entry.hpp"
PASSAGE_FUZZ_ENTRY_POINT(passage::fuzz::markdown_extract)
#endif
