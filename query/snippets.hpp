#pragma once
// Snippets: the passage of a document's stored text with the most distinct query words, HTML-
// escaped, with matched words in <mark>…</mark>.

#include <string>
#include <string_view>

#include "core/analysis/analyzer.hpp"
#include "query/query_parser.hpp"

namespace passage::query {

struct Snippet {
  std::string html;
  std::size_t offset = 0;  // byte offset of the passage's first match (for page lookup)
};

/// Builds a snippet of about max_chars characters. lang is the document's language (its stems
/// are compared with the query's).
Snippet make_snippet(std::string_view text, const HighlightTerms& terms, std::string_view lang,
                     analysis::Analyzer& analyzer, std::size_t max_chars = 240);

/// The plain text of a snippet: <mark> tags dropped, entities of append_html_escaped decoded.
std::string snippet_text(std::string_view html);

/// HTML-escapes text (& < > " ').
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace passage::query
