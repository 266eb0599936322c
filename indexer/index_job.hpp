#pragma once
// An indexing job: walks the configured sources, parses files on all cores, and writes them to
// one Xapian database through a single writer with batched commits. The index folder holds
// generations of that database behind a stub (core/index_layout.hpp). Incremental: files whose
// size and mtime are unchanged are not parsed again; documents whose files disappeared are
// deleted. One bad file never stops the job; it is reported with its reason.

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/analysis/thesaurus.hpp"
#include "core/config/corpus_config.hpp"
#include "core/error.hpp"
#include "indexer/parse_worker.hpp"

namespace passage::indexer {

struct Progress {
  std::size_t total = 0;      // files found
  std::size_t done = 0;       // files handled so far (indexed, unchanged, skipped or failed)
  std::size_t indexed = 0;
  std::size_t failed = 0;
  double elapsed_seconds = 0;
};

/// Points in the writer's work, for observers and crash tests.
enum class JobStage {
  kDocumentWritten,  // a document was added or replaced (sharded: handed to its shard's writer); not yet committed
  kCommitting,       // about to commit a batch (or the final commit)
  kCommitted,        // the batch is durable
};

struct IndexOptions {
  std::filesystem::path index_dir;
  std::vector<config::Source> sources;
  std::vector<std::string> declared_facets;  // names of corpus-config facets
  const analysis::Thesaurus* thesaurus = nullptr;  // concepts to tag documents with (optional)
  unsigned threads = 0;                      // parser threads; 0 = hardware concurrency
  std::size_t commit_every = 500;            // documents per commit
  /// When set, only this source (one of `sources`) is walked, and only its documents are deleted
  /// when their files are gone; other sources' documents are left as they are.
  std::string only_source;
  /// Rebuild every document into a new generation beside the current one and switch to it
  /// atomically at the end: readers see the old index, whole, until the new one is complete.
  bool full = false;
  /// The shards of the index (config [index] shards / [[index.shard]]); empty = one local shard.
  /// Each document goes to the shard given by a stable hash of its id. Changing the count needs
  /// a full rebuild.
  std::vector<config::ShardSettings> shards;
  /// Where documents are parsed: in worker processes (isolation.worker set; what `passage index`
  /// does) or in the parser threads themselves (worker empty).
  IsolationOptions isolation;
  /// Called from the writer thread at each JobStage (optional).
  std::function<void(JobStage)> on_stage;
  /// Called from the writer thread at most a few times a second, and once at the end.
  std::function<void(const Progress&)> on_progress;
};

struct ItemProblem {
  std::string path;
  std::string reason;
};

struct IndexReport {
  std::size_t found = 0;      // supported files found in the sources, and web pages fetched or unchanged
  std::size_t fetched = 0;    // web pages downloaded (HTTP 200) this run; unchanged counts the 304s
  std::size_t indexed = 0;    // parsed and written (new or changed)
  std::size_t unchanged = 0;  // already indexed with the same size and mtime
  std::size_t deleted = 0;    // documents whose files are gone
  std::vector<ItemProblem> failed;   // could not be parsed (with reason)
  std::vector<ItemProblem> skipped;  // not indexed by design (unsupported format, ...)
  std::size_t documents = 0;  // documents in the index after the job
  int generation = 0;  // the index generation the job wrote (a full rebuild starts a new one)
  std::size_t shards = 1;  // shards of the index
  double seconds = 0;
};

/// Sources for ad hoc indexing of folders with defaults (no config file).
std::vector<config::Source> sources_for_folders(const std::vector<std::filesystem::path>& folders,
                                                const std::string& kind);

/// Runs a job. Errors only when the job itself cannot run (index locked or unwritable, schema
/// mismatch, parse worker missing); per-file problems are in the report. A job killed at any
/// moment loses only its uncommitted batch: the next run parses what is missing. A killed full
/// rebuild leaves the previous generation serving; the next run discards the unfinished one.
Result<IndexReport> run_index_job(const IndexOptions& options);

}  // namespace passage::indexer
