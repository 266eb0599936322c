// The query language parser, with the real thesaurus, three stemming languages and declared
// facets, on queries up to the searcher's length limit.

#include <memory>

#include "core/analysis/analyzer.hpp"
#include "core/analysis/thesaurus.hpp"
#include "fuzz/fuzz_targets.hpp"
#include "query/query_parser.hpp"
#include "query/searcher.hpp"

namespace passage::fuzz {

int query_parse(std::string_view bytes) {
  static analysis::Analyzer analyzer;
  static const analysis::Thesaurus thesaurus =
      analysis::Thesaurus::load(PASSAGE_SOURCE_DIR "/corpus-config/thesaurus.toml").value_or_throw();
  if (bytes.size() > query::kMaxQueryBytes) return 0;  // the searcher refuses longer queries

  query::ParserContext context;
  context.analyzer = &analyzer;
  context.languages = {"en", "de", "fr"};
  context.declared_facets = {"network", "country"};
  context.thesaurus = &thesaurus;
  auto parsed = query::parse_query(bytes, context);
  if (parsed) {
    require(!parsed->query.get_description().empty(), "query: a parsed query describes itself");
  } else {
    require(parsed.error().code == ErrorCode::kInvalidArgument, "query: errors are kInvalidArgument");
  }
  auto year = query::year_query(bytes);
  require(year || year.error().code == ErrorCode::kInvalidArgument,
          "query: year errors are kInvalidArgument");
  return 0;
}

}  // namespace passage::fuzz

#ifdef PASSAGE_FUZZ_ENTRY
#include "fuzz/fuzz_entry.hpp"
PASSAGE_FUZZ_ENTRY_POINT(passage::fuzz::query_parse)
#endif
