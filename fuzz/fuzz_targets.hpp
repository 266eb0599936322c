#pragma once
// The fuzz targets as plain functions of one input, so that the same code runs under libFuzzer
// (fuzz_entry.hpp, PASSAGE_FUZZ builds) and in the Catch2 test that replays the saved
// regression inputs (tests/fuzz, every build). Each returns 0 and aborts on a broken invariant.

#include <string_view>

namespace passage::fuzz {

int html_extract(std::string_view bytes);   // indexer::extract_html
int markdown_extract(std::string_view bytes);  // indexer::extract_text (front matter, Markdown, text)
int pdf_extract(std::string_view bytes);    // indexer::extract_pdf (what the PDF worker runs)
int query_parse(std::string_view bytes);    // query::parse_query and query::year_query
int corpus_config(std::string_view bytes);  // config::check_config / parse_config / glob_match
int query_string(std::string_view bytes);   // server::parse_target / percent_decode
int http_request(std::string_view bytes);   // Beast's request parser, then server::handle_request

/// Aborts with a message when cond is false (a fuzz finding, whatever the build type).
void require(bool cond, const char* what);

}  // namespace passage::fuzz
