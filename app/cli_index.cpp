#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "core/config/corpus_config.hpp"
#include "indexer/index_job.hpp"

namespace passage::app {
namespace {

struct IndexArgs {
  std::string config;
  std::string index;
  std::vector<std::string> folders;
  std::string kind = "report";
  unsigned threads = 0;
  std::string report;
  std::string thesaurus;
  bool quiet = false;
  std::string source;
  bool json = false;
  std::size_t commit_every = 500;
  std::string parse_worker;
  bool in_process = false;
  bool full = false;
  double parse_timeout = 60;
  unsigned parse_cpu = 30;
  std::size_t parse_memory = 1024;
};

// passage-parse-worker beside this executable.
std::filesystem::path default_parse_worker() {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "passage-parse-worker";
  return self.parent_path() / "passage-parse-worker";
}

void print_progress(const indexer::Progress& p) {
  double rate = p.elapsed_seconds > 0 ? static_cast<double>(p.done) / p.elapsed_seconds : 0;
  double eta = rate > 0 ? static_cast<double>(p.total - p.done) / rate : 0;
  std::fprintf(stderr, "\r  %zu/%zu files  %zu indexed  %zu failed  %.0f files/s  ETA %.0fs   ", p.done, p.total,
               p.indexed, p.failed, rate, eta);
  std::fflush(stderr);
}

nlohmann::json report_json(const indexer::IndexReport& r) {
  auto items = [](const std::vector<indexer::ItemProblem>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& p : v) a.push_back({{"path", p.path}, {"reason", p.reason}});
    return a;
  };
  return {{"found", r.found},
          {"fetched", r.fetched},
          {"indexed", r.indexed},
          {"unchanged", r.unchanged},
          {"deleted", r.deleted},
          {"failed", items(r.failed)},
          {"skipped", items(r.skipped)},
          {"documents", r.documents},
          {"generation", r.generation},
          {"shards", r.shards},
          {"seconds", r.seconds}};
}

}  // namespace

Command add_index_command(CLI::App& app) {
  auto a = std::make_shared<IndexArgs>();
  CLI::App* cmd = app.add_subcommand("index", "Index the sources of a corpus-config file, or folders given on the command line");
  cmd->add_option("-c,--config", a->config, "corpus-config TOML file");
  cmd->add_option("-i,--index", a->index, "Index folder (overrides the config's index path)");
  cmd->add_option("folders", a->folders, "Folders to index ad hoc with defaults (needs --index), or one corpus-config .toml file");
  cmd->add_option("--kind", a->kind, "Source kind for ad hoc folders")->capture_default_str();
  cmd->add_option("-j,--threads", a->threads, "Parser threads (default: all cores)");
  cmd->add_option("--report", a->report, "Write the job report as JSON to this file");
  cmd->add_option("--thesaurus", a->thesaurus, "Concept thesaurus TOML (overrides the config's `thesaurus`)");
  cmd->add_flag("-q,--quiet", a->quiet, "No progress line");
  cmd->add_option("--source", a->source, "Index only this source of the config (its vanished files are deleted, other sources are left alone)");
  cmd->add_flag("--json", a->json,
                "Machine-readable output on stdout: {\"progress\":{...}} lines while running, then one {\"report\":{...}} line");
  cmd->add_option("--commit-every", a->commit_every, "Documents per commit")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--parse-timeout", a->parse_timeout, "Wall-clock seconds a document may take to parse")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--parse-cpu", a->parse_cpu, "CPU seconds a document may take to parse (0: no limit)")->capture_default_str();
  cmd->add_option("--parse-memory", a->parse_memory, "Megabytes a parser may use for one document (0: no limit)")->capture_default_str();
  cmd->add_option("--parse-worker", a->parse_worker, "The parse worker executable (default: passage-parse-worker beside passage)");
  cmd->add_flag("--full", a->full,
                "Rebuild every document into a new generation beside the current index and switch "
                "to it atomically "
                "at the end (a running server answers from the old one until then)");
  cmd->add_flag("--in-process", a->in_process, "Parse in this process instead of isolated workers (faster start, no protection)");
  return [a]() -> int {
    indexer::IndexOptions opts;
    opts.threads = a->threads;
    opts.commit_every = a->commit_every;
    opts.full = a->full;
    if (!a->in_process) {
      opts.isolation.worker = a->parse_worker.empty() ? default_parse_worker() : std::filesystem::path(a->parse_worker);
      opts.isolation.timeout = std::chrono::milliseconds(static_cast<long long>(a->parse_timeout * 1000));
      opts.isolation.limits.cpu_seconds = a->parse_cpu;
      opts.isolation.limits.memory_mb = a->parse_memory;
    }
    // `passage index corpus.toml` is the same as `passage index --config corpus.toml`.
    if (a->config.empty() && a->folders.size() == 1 && std::filesystem::path(a->folders[0]).extension() == ".toml") {
      a->config = a->folders[0];
      a->folders.clear();
    }
    if (!a->config.empty()) {
      if (!a->folders.empty()) throw PassageError({ErrorCode::kInvalidArgument, "give either --config or folders, not both"});
      config::CorpusConfig cfg = config::load_config(a->config).value_or_throw();
      opts.index_dir = a->index.empty() ? cfg.index_path : std::filesystem::path(a->index);
      opts.sources = cfg.sources;
      opts.declared_facets = cfg.facet_names();
      opts.only_source = a->source;
      opts.shards = cfg.shards;
    } else {
      if (!a->source.empty()) throw PassageError({ErrorCode::kInvalidArgument, "--source needs --config"});
      if (a->folders.empty() || a->index.empty())
        throw PassageError({ErrorCode::kInvalidArgument, "give --config FILE, or --index DIR and one or more folders"});
      for (const auto& f : a->folders)
        if (!std::filesystem::is_directory(f)) throw PassageError({ErrorCode::kNotFound, "not a folder: " + f});
      opts.index_dir = a->index;
      opts.sources = indexer::sources_for_folders({a->folders.begin(), a->folders.end()}, a->kind);
    }
    std::filesystem::path thesaurus_file = a->thesaurus;
    if (thesaurus_file.empty() && !a->config.empty())
      thesaurus_file = config::load_config(a->config).value_or_throw().thesaurus;
    analysis::Thesaurus thesaurus;
    if (!thesaurus_file.empty()) {
      thesaurus = analysis::Thesaurus::load(thesaurus_file).value_or_throw();
      opts.thesaurus = &thesaurus;
    }
    bool tty = isatty(STDERR_FILENO) != 0 && !a->quiet;
    if (tty) opts.on_progress = print_progress;
    if (a->json) {
      opts.on_progress = [](const indexer::Progress& p) {
        nlohmann::json line = {{"progress", {{"total", p.total}, {"done", p.done}, {"indexed", p.indexed},
                                             {"failed", p.failed}, {"elapsed_seconds", p.elapsed_seconds}}}};
        std::cout << line.dump() << std::endl;
      };
    }
    indexer::IndexReport r = indexer::run_index_job(opts).value_or_throw();
    if (a->json) {
      std::cout << nlohmann::json{{"report", report_json(r)}}.dump() << std::endl;
    } else {
      if (tty) std::fprintf(stderr, "\n");
      std::cout << "Indexed into " << opts.index_dir.string() << " in " << r.seconds << " s\n"
                << "  found " << r.found
                << (r.fetched > 0 ? ", fetched " + std::to_string(r.fetched) : std::string())
                << ", indexed " << r.indexed << ", unchanged " << r.unchanged << ", deleted "
                << r.deleted << ", skipped " << r.skipped.size() << ", failed " << r.failed.size()
                << "\n"
                << "  documents in index: " << r.documents
                << (a->full ? " (new generation " + std::to_string(r.generation) + ")"
                            : std::string())
                << "\n";
      for (const auto& f : r.failed) std::cout << "  failed: " << f.path << ": " << f.reason << "\n";
      for (const auto& s : r.skipped) std::cout << "  skipped: " << s.path << ": " << s.reason << "\n";
    }
    if (!a->report.empty()) {
      std::ofstream out(a->report);
      out << report_json(r).dump(2) << "\n";
      if (!out) throw PassageError({ErrorCode::kUnavailable, "cannot write report " + a->report});
    }
    return 0;
  };
}

}  // namespace passage::app
