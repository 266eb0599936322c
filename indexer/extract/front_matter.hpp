#pragma once
// Metadata blocks at the top of Markdown files: YAML front matter between "---" lines, TOML
// between "+++" lines, and Pelican/MultiMarkdown "Key: value" headers. Only what the extractor
// needs: scalars (plain, quoted, block), lists (block and inline) and nested keys as paths.

#include <string>
#include <string_view>
#include <vector>

namespace passage::indexer {

struct FrontMatterEntry {
  std::string key;    // lower-cased; nested keys joined with '.' ("author.name")
  std::string value;  // the scalar, unquoted and unescaped; one entry per list item
};

struct FrontMatter {
  std::vector<FrontMatterEntry> entries;
  std::string_view body;  // the document after the block (all of it when there is no block)
};

/// Splits `text` (UTF-8, LF line ends) into its metadata block and the rest. Never fails: text
/// without a recognisable block comes back whole as `body`.
FrontMatter parse_front_matter(std::string_view text);

}  // namespace passage::indexer
