#include "tests/integration/sample_index.hpp"

#include <memory>
#include <stdexcept>

#include "core/config/corpus_config.hpp"
#include "tests/test_support.hpp"

namespace passage::test {

indexer::IndexOptions sample_options(const std::filesystem::path& dir) {
  auto cfg = config::load_config(sample_config()).value_or_throw();
  static const analysis::Thesaurus thesaurus = analysis::Thesaurus::load(cfg.thesaurus).value_or_throw();
  indexer::IndexOptions opts;
  opts.index_dir = dir;
  opts.thesaurus = &thesaurus;
  opts.sources = cfg.sources;
  opts.declared_facets = cfg.facet_names();
  return opts;
}

const SampleIndex& sample_index() {
  static std::unique_ptr<TempDir> tmp;
  static std::unique_ptr<SampleIndex> index;
  if (!index) {
    tmp = std::make_unique<TempDir>();
    index = std::make_unique<SampleIndex>();
    index->dir = tmp->path() / "index";
    index->report = indexer::run_index_job(sample_options(index->dir)).value_or_throw();
  }
  return *index;
}

}  // namespace passage::test
