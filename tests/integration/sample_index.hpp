#pragma once
// Indexes the bundled sample corpus once per test process into a temporary folder.

#include <filesystem>

#include "indexer/index_job.hpp"

namespace passage::test {

struct SampleIndex {
  std::filesystem::path dir;
  indexer::IndexReport report;
};

/// The sample corpus indexed with corpus-config/sample.toml (built on first use).
const SampleIndex& sample_index();

/// Options for indexing the sample corpus into dir.
indexer::IndexOptions sample_options(const std::filesystem::path& dir);

}  // namespace passage::test
