#include "indexer/index_job.hpp"

#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "core/analysis/spelling.hpp"
#include "core/index_layout.hpp"
#include "core/log.hpp"
#include "core/schema.hpp"
#include "indexer/document_builder.hpp"
#include "indexer/extract/extractor.hpp"
#include "indexer/web_source.hpp"

namespace passage::indexer {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

bool hidden(const fs::path& rel) {
  for (const auto& part : rel)
    if (!part.empty() && part.string()[0] == '.') return true;
  return false;
}

bool matches_any(const std::vector<std::string>& globs, const std::string& rel) {
  return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return config::glob_match(g, rel); });
}

// Walks the sources. Supported files go to items, the rest to skipped.
void collect(const std::vector<config::Source>& sources, std::vector<FileItem>& items,
             std::vector<ItemProblem>& skipped) {
  for (const config::Source& src : sources) {
    if (src.is_web()) continue;  // crawled by collect_web
    std::error_code ec;
    fs::recursive_directory_iterator it(src.root, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) {
      skipped.push_back({src.root.string(), "cannot read source folder: " + ec.message()});
      continue;
    }
    for (; it != end; it.increment(ec)) {
      if (ec) {
        skipped.push_back({src.root.string(), "error while walking: " + ec.message()});
        break;
      }
      const fs::directory_entry& e = *it;
      std::error_code fec;
      if (!e.is_regular_file(fec)) continue;
      fs::path rel_path = e.path().lexically_relative(src.root);
      if (hidden(rel_path)) continue;
      std::string rel = rel_path.generic_string();
      if (!src.include.empty() && !matches_any(src.include, rel)) continue;
      if (matches_any(src.exclude, rel)) continue;
      FileItem item;
      item.source = &src;
      item.path = e.path();
      item.relative = rel;
      item.format = detect_format(e.path(), {});
      if (item.format == Format::kUnknown) {
        skipped.push_back({e.path().string(), "unsupported format"});
        continue;
      }
      item.size = e.file_size(fec);
      auto mtime = e.last_write_time(fec);
      item.mtime = std::chrono::duration_cast<std::chrono::seconds>(mtime.time_since_epoch()).count();
      items.push_back(std::move(item));
    }
  }
}

// What the index already holds: id -> (docid, signature).
struct Existing {
  Xapian::docid docid;
  std::string signature;
};

std::unordered_map<std::string, Existing> existing_documents(const Xapian::Database& db) {
  std::unordered_map<std::string, Existing> out;
  const std::string prefix(schema::kIdPrefix);
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    std::string term = *t;
    auto p = db.postlist_begin(term);
    if (p == db.postlist_end(term)) continue;
    out.emplace(term.substr(prefix.size()), Existing{*p, {}});
  }
  std::unordered_map<Xapian::docid, std::string> sig;
  for (auto v = db.valuestream_begin(schema::kSlotSignature); v != db.valuestream_end(schema::kSlotSignature); ++v)
    sig.emplace(v.get_docid(), *v);
  for (auto& [id, e] : out) {
    auto s = sig.find(e.docid);
    if (s != sig.end()) e.signature = s->second;
  }
  return out;
}

std::string iso_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A parsed file on its way to the writer.
struct Parsed {
  std::size_t item = 0;
  std::optional<BuiltDocument> doc;
  std::string error;  // set when parsing failed
  bool fatal = false;  // the job cannot go on (no parse worker can be started)
};

// Bounded hand-over from parser threads to the writer.
class Channel {
 public:
  explicit Channel(std::size_t capacity) : capacity_(capacity) {}
  void push(Parsed p) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return q_.size() < capacity_; });
    q_.push_back(std::move(p));
    not_empty_.notify_one();
  }
  std::optional<Parsed> pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !q_.empty() || producers_ == 0; });
    if (q_.empty()) return std::nullopt;
    Parsed p = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return p;
  }
  void add_producer() {
    std::lock_guard lock(mu_);
    ++producers_;
  }
  void producer_done() {
    std::lock_guard lock(mu_);
    --producers_;
    not_empty_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Parsed> q_;
  int producers_ = 0;
};

}  // namespace

std::vector<config::Source> sources_for_folders(const std::vector<fs::path>& folders, const std::string& kind) {
  std::vector<config::Source> out;
  std::set<std::string> names;
  for (const fs::path& f : folders) {
    config::Source s;
    s.root = fs::absolute(f).lexically_normal();
    std::string base = s.root.filename().string();
    if (base.empty()) base = "folder";
    std::string name;
    for (char c : base) {
      char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      name.push_back(((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '-' || l == '_') ? l : '-');
    }
    std::string unique = name;
    for (int i = 2; !names.insert(unique).second; ++i) unique = name + "-" + std::to_string(i);
    s.name = unique;
    s.kind = kind;
    out.push_back(std::move(s));
  }
  return out;
}

namespace {
// The spelling dictionary counts, for each word, the documents that contain it: a document that
// is replaced or deleted takes its words' counts back first.
// Commits every shard; several shards commit in parallel, one thread each (a commit is mostly
// writing and syncing that shard's files). The first failure is rethrown.
void commit_all(std::vector<Xapian::WritableDatabase>& dbs) {
  if (dbs.size() == 1) {
    dbs[0].commit();
    return;
  }
  std::vector<std::string> errors(dbs.size());
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < dbs.size(); ++k)
    threads.emplace_back([&, k] {
      try {
        dbs[k].commit();
      } catch (const Xapian::Error& e) {
        errors[k] = layout::shard_name(k) + ": " + e.get_description();
      }
    });
  for (auto& t : threads) t.join();
  for (const std::string& e : errors)
    if (!e.empty()) throw Xapian::DatabaseError(e);
}

void forget_spelling(Xapian::WritableDatabase& db, const std::string& id_term) {
  auto p = db.postlist_begin(id_term);
  if (p == db.postlist_end(id_term)) return;
  for (auto t = db.termlist_begin(*p); t != db.termlist_end(*p); ++t)
    if (analysis::spelling_word(*t)) db.remove_spelling(*t);
}

// The writers of a sharded index: one thread per shard (at most one per core; shard k goes to
// thread k mod threads), each applying its shards' changes in the order they were routed. With
// one shard, changes are applied at once on the calling thread. sync() waits until every change
// routed so far is applied and rethrows the first failure (as Xapian::DatabaseError).
class ShardWriters {
 public:
  using Change = std::function<void(Xapian::WritableDatabase&)>;

  ShardWriters(std::vector<Xapian::WritableDatabase>& dbs, unsigned max_threads) : dbs_(dbs) {
    if (dbs.size() <= 1) return;
    const std::size_t n = std::min<std::size_t>(dbs.size(), std::max(1u, max_threads));
    lanes_ = std::vector<Lane>(n);
    for (std::size_t t = 0; t < n; ++t) threads_.emplace_back([this, t] { run(lanes_[t]); });
  }
  ShardWriters(const ShardWriters&) = delete;
  ShardWriters& operator=(const ShardWriters&) = delete;
  ~ShardWriters() {
    for (Lane& lane : lanes_) {
      std::lock_guard lock(lane.mu);
      lane.closing = true;
      lane.cv.notify_all();
    }
    for (std::thread& t : threads_) t.join();
  }

  void apply(std::size_t shard, Change change) {
    if (lanes_.empty()) {
      change(dbs_[shard]);
      return;
    }
    Lane& lane = lanes_[shard % lanes_.size()];
    std::unique_lock lock(lane.mu);
    lane.cv.wait(lock, [&] { return lane.queue.size() < kLaneCapacity; });
    lane.queue.emplace_back(shard, std::move(change));
    lane.cv.notify_all();
  }

  void sync() {
    for (Lane& lane : lanes_) {
      std::unique_lock lock(lane.mu);
      lane.cv.wait(lock, [&] { return lane.queue.empty() && !lane.busy; });
    }
    std::lock_guard lock(error_mu_);
    if (!error_.empty()) throw Xapian::DatabaseError(error_);
  }

 private:
  static constexpr std::size_t kLaneCapacity = 64;
  struct Lane {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::pair<std::size_t, Change>> queue;
    bool busy = false;
    bool closing = false;
  };

  void run(Lane& lane) {
    for (;;) {
      std::pair<std::size_t, Change> next;
      {
        std::unique_lock lock(lane.mu);
        lane.cv.wait(lock, [&] { return !lane.queue.empty() || lane.closing; });
        if (lane.queue.empty()) return;
        next = std::move(lane.queue.front());
        lane.queue.pop_front();
        lane.busy = true;
        lane.cv.notify_all();
      }
      if (!failed_.load()) {
        try {
          next.second(dbs_[next.first]);
        } catch (const Xapian::Error& e) {
          record(layout::shard_name(next.first) + ": " + e.get_description());
        } catch (const std::exception& e) {
          record(layout::shard_name(next.first) + ": " + e.what());
        }
      }
      std::lock_guard lock(lane.mu);
      lane.busy = false;
      lane.cv.notify_all();
    }
  }

  void record(std::string what) {
    std::lock_guard lock(error_mu_);
    if (error_.empty()) error_ = std::move(what);
    failed_.store(true);
  }

  std::vector<Xapian::WritableDatabase>& dbs_;
  std::vector<Lane> lanes_;
  std::vector<std::thread> threads_;
  std::mutex error_mu_;
  std::string error_;
  std::atomic<bool> failed_{false};
};
}  // namespace

Result<IndexReport> run_index_job(const IndexOptions& options) {
  auto started = Clock::now();
  IndexReport report;
  std::error_code ec;
  fs::create_directories(options.index_dir, ec);
  if (ec) return make_error(ErrorCode::kUnavailable, "cannot create index folder " + options.index_dir.string() + ": " + ec.message());

  if (options.full && !options.only_source.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "a full rebuild indexes every source: it cannot be limited to one source");
  Result<layout::IndexLock> lock = layout::IndexLock::acquire(options.index_dir);
  if (!lock) return lock.error();

  // A plain database folder whose migration to generations was interrupted (or whose old tables
  // wait to be removed) is finished first: with the stub in place, the stub is the index.
  if (fs::exists(options.index_dir / layout::kStubFile, ec)) {
    if (Status st = layout::remove_plain_database(options.index_dir); !st) return st.error();
  }

  // Where this job writes: the current generation's database in place (incremental), or a new
  // generation beside it that a stub switch makes current at the end (--full, or a new index).
  Result<layout::Layout> current = layout::read_layout(options.index_dir);
  if (!current && current.error().code != ErrorCode::kNotFound) return current.error();
  const bool have_index = current.has_value();
  const std::size_t nshards = std::max<std::size_t>(1, options.shards.size());
  if (have_index && !options.full && current->shards.size() != nshards)
    return make_error(
        ErrorCode::kFailedPrecondition,
        "index " + options.index_dir.string() + " has " + std::to_string(current->shards.size()) +
            " shard(s) but the config asks for " + std::to_string(nshards) +
            ": rebuild it with `passage index --full` to spread the documents over them");
  const int current_generation = have_index ? current->generation : 0;
  // Shard K of generation G on this machine: ROOT/gen-G/shard-K, where ROOT is the shard's own
  // folder or the index folder (generation 0: the plain database folder itself). A remote shard
  // is written here too and served from here by its shard server.
  const fs::path index_abs = fs::absolute(options.index_dir).lexically_normal();
  const auto root_of = [&](std::size_t k) {
    return k < options.shards.size() && !options.shards[k].path.empty() ? options.shards[k].path
                                                                         : index_abs;
  };
  const auto local_path = [&](int g, std::size_t k) {
    return g == 0 ? index_abs : layout::shard_dir(root_of(k), g, k);
  };
  for (std::size_t k = 0; k < nshards; ++k) {
    if (root_of(k) == index_abs) continue;
    if (Status st = layout::claim_shard_folder(root_of(k), index_abs); !st) return st.error();
  }
  // Where the current generation's shards are (a remote shard's files: its INDEX/shard-K stub).
  std::vector<fs::path> current_paths;
  if (have_index) {
    for (std::size_t k = 0; k < current->shards.size(); ++k) {
      const layout::Shard& s = current->shards[k];
      if (!s.remote()) {
        current_paths.push_back(s.path);
      } else if (auto own = layout::read_layout(index_abs / layout::shard_name(k)); own) {
        current_paths.push_back(own->shards.front().path);
      } else {
        current_paths.push_back(local_path(current_generation, k));
      }
    }
  }
  // An incremental run writes where the documents are: a shard moved to another folder in the
  // config is moved by a rebuild.
  if (have_index && !options.full && current_generation > 0) {
    for (std::size_t k = 0; k < nshards; ++k) {
      if (current_paths[k] == local_path(current_generation, k)) continue;
      return make_error(ErrorCode::kFailedPrecondition,
                        "shard " + std::to_string(k) + " of index " + options.index_dir.string() +
                            " is in " + current_paths[k].string() + " but the config puts it in " +
                            local_path(current_generation, k).string() +
                            ": rebuild it there with `passage index --full`");
    }
  }
  // Every folder holding generations of this index: the index folder, the shards' own folders
  // in the config and those the current generation still uses.
  std::set<fs::path> roots{index_abs};
  for (std::size_t k = 0; k < nshards; ++k) roots.insert(root_of(k));
  for (const fs::path& p : current_paths)
    if (fs::path r = layout::shard_root_of(p); !r.empty()) roots.insert(r);
  for (const fs::path& r : layout::read_shard_folders(index_abs)) roots.insert(r);
  const auto remove_generations = [&](const std::function<bool(int)>& drop) -> Status {
    std::vector<fs::path> in_use;  // the shards' own folders still holding generations
    for (const fs::path& root : roots) {
      if (Status st = layout::remove_generations(root, drop); !st) return st;
      if (root != index_abs && !layout::generations_on_disk(root).empty()) in_use.push_back(root);
    }
    return layout::write_shard_folders(index_abs, in_use);
  };
  // Generations newer than the current one are what an interrupted full rebuild left; older ones
  // than its predecessor nobody reads any more.
  if (Status st = remove_generations([&](int g) { return !have_index || g > current_generation; });
      !st)
    return st.error();
  const bool new_generation = options.full || !have_index;
  const int generation = new_generation ? current_generation + 1 : current_generation;
  std::vector<fs::path> db_paths;
  for (std::size_t k = 0; k < nshards; ++k) db_paths.push_back(local_path(generation, k));
  if (new_generation) {
    std::vector<fs::path> own(roots.begin(), roots.end());
    std::erase(own, index_abs);
    if (Status st = layout::write_shard_folders(index_abs, own); !st) return st.error();
    for (const fs::path& p : db_paths) {
      fs::create_directories(p.parent_path(), ec);
      if (ec)
        return make_error(ErrorCode::kUnavailable,
                          "cannot create " + p.parent_path().string() + ": " + ec.message());
    }
  }
  // The layout readers get: local shards by path, remote ones by address.
  layout::Layout target;
  target.generation = generation;
  for (std::size_t k = 0; k < nshards; ++k) {
    layout::Shard shard{layout::shard_name(k), db_paths[k], {}, 0, layout::kDefaultTimeoutMs};
    if (k < options.shards.size() && !options.shards[k].remote.empty()) {
      auto addr = layout::parse_address(options.shards[k].remote);
      if (!addr) return addr.error();
      shard.host = addr->first;
      shard.port = addr->second;
      shard.timeout_ms = options.shards[k].timeout_ms;
    }
    target.shards.push_back(std::move(shard));
  }
  const auto switch_to_new_generation = [&]() -> Status {
    if (Status st = layout::write_layout(options.index_dir, target); !st) return st;
    // The stub wins once the plain database's marker is gone; its tables stay for readers
    // that are opening them now and go at the start of the next job.
    if (have_index && current_generation == 0)
      return layout::retire_plain_database(options.index_dir);
    return Ok{};
  };

  std::vector<Xapian::WritableDatabase> dbs;
  try {
    for (const fs::path& path : db_paths)
      dbs.emplace_back(path.string(), Xapian::DB_CREATE_OR_OPEN);
  } catch (const Xapian::DatabaseLockError&) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "another indexing job is already running on " + options.index_dir.string());
  } catch (const Xapian::Error& e) {
    return make_error(ErrorCode::kUnavailable, "cannot open index " + options.index_dir.string() + ": " + e.get_description());
  }
  // A new index is visible from its first commit on, so a job killed on its first run keeps
  // what it committed; a rebuild of an existing index stays invisible until it is complete.
  if (!have_index) {
    if (Status st = switch_to_new_generation(); !st) return st.error();
  }
  std::string found_version;
  if (!std::all_of(dbs.begin(), dbs.end(), [&](const Xapian::Database& d) {
        return schema::version_compatible(d, &found_version);
      }))
    return make_error(ErrorCode::kFailedPrecondition,
                      "index " + options.index_dir.string() + " has schema version " +
                          found_version + " but this passage writes version " +
                          std::to_string(schema::kSchemaVersion) +
                          ": rebuild it with `passage index --full`");
  // The documents of the index being replaced, to report what a rebuild dropped.
  std::unordered_map<std::string, Existing> replaced;
  if (options.full && have_index) {
    try {
      for (const fs::path& p : current_paths)
        replaced.merge(existing_documents(Xapian::Database(p.string())));
    } catch (const Xapian::Error& e) {
      log::warn("index_previous_unreadable",
                {{"index", options.index_dir.string()}, {"what", e.get_description()}});
    }
  }

  std::vector<config::Source> sources = options.sources;
  if (!options.only_source.empty()) {
    std::erase_if(sources, [&](const config::Source& s) { return s.name != options.only_source; });
    if (sources.empty()) return make_error(ErrorCode::kInvalidArgument, "no source named '" + options.only_source + "'");
  }
  std::vector<FileItem> items;
  collect(sources, items, report.skipped);
  report.found = items.size();

  std::unordered_map<std::string, Existing> existing;
  try {
    for (const Xapian::WritableDatabase& d : dbs) existing.merge(existing_documents(d));
  } catch (const Xapian::Error& e) {
    return make_error(ErrorCode::kUnavailable, "cannot read index: " + e.get_description());
  }

  // A different thesaurus changes every document's concepts: then everything is parsed again.
  const std::string thesaurus_json = options.thesaurus != nullptr ? options.thesaurus->to_json().dump() : std::string();
  bool thesaurus_changed = false;
  try {
    thesaurus_changed = !existing.empty() &&
                        dbs[0].get_metadata(std::string(schema::kThesaurusKey)) != thesaurus_json;
  } catch (const Xapian::Error& e) {
    return make_error(ErrorCode::kUnavailable, "cannot read index: " + e.get_description());
  }

  // Web sources are crawled now; their fetched pages are parsed below like files.
  SpoolDir spool;
  std::set<std::string> seen;
  std::set<std::string> failed_ids;  // found but not indexed this run
  std::vector<std::pair<std::string, std::string>> web_metadata;
  if (std::any_of(options.sources.begin(), options.sources.end(), [](const auto& s) { return s.is_web(); })) {
    std::map<std::string, std::string> indexed;
    for (const auto& [id, e] : existing) indexed.emplace(id, e.signature);
    Result<WebItems> web = collect_web(
        options.sources, indexed, [&](const std::string& key) { return dbs[0].get_metadata(key); },
        spool,
        /*conditional=*/!thesaurus_changed);
    if (!web) return web.error();
    report.fetched = web->items.size();
    report.found += web->items.size() + web->unchanged;
    report.unchanged += web->unchanged;
    seen.insert(web->keep.begin(), web->keep.end());
    for (FileItem& item : web->items) items.push_back(std::move(item));
    report.failed.insert(report.failed.end(), web->failed.begin(), web->failed.end());
    report.skipped.insert(report.skipped.end(), web->skipped.begin(), web->skipped.end());
    web_metadata = std::move(web->metadata);
  }

  // Decide what to parse; what is unchanged stays untouched.
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string id = items[i].id();
    seen.insert(id);
    auto e = existing.find(id);
    if (!thesaurus_changed && e != existing.end() && e->second.signature == items[i].signature()) {
      ++report.unchanged;
    } else {
      todo.push_back(i);
    }
  }
  // Biggest files first so the last parser is not left alone with a huge PDF.
  std::sort(todo.begin(), todo.end(), [&](std::size_t a, std::size_t b) { return items[a].size > items[b].size; });

  Progress progress;
  progress.total = items.size() + report.unchanged;
  progress.done = report.unchanged;
  auto last_report = Clock::now();
  auto notify = [&](bool force) {
    if (!options.on_progress) return;
    auto now = Clock::now();
    if (!force && now - last_report < std::chrono::milliseconds(250)) return;
    last_report = now;
    progress.elapsed_seconds = std::chrono::duration<double>(now - started).count();
    options.on_progress(progress);
  };

  auto stage = [&](JobStage s) {
    if (options.on_stage) options.on_stage(s);
  };
  if (!options.isolation.worker.empty() && ::access(options.isolation.worker.c_str(), X_OK) != 0)
    return make_error(ErrorCode::kFailedPrecondition,
                      "the parse worker " + options.isolation.worker.string() + " is missing or not executable");

  unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  Channel channel(threads * 8);
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    channel.add_producer();
    workers.emplace_back([&] {
      DocumentBuilder builder(options.thesaurus);
      std::optional<IsolatedParser> isolated;
      if (!options.isolation.worker.empty()) isolated.emplace(options.isolation);
      for (;;) {
        std::size_t k = next.fetch_add(1);
        if (k >= todo.size()) break;
        Parsed p;
        p.item = todo[k];
        const FileItem& item = items[p.item];
        try {
          Result<Extracted> ex = isolated ? isolated->parse({item.path, std::nullopt}) : extract_file(item.path);
          if (!ex) {
            p.error = ex.error().message;
            p.fatal = isolated && isolated->start_failed();
          } else {
            p.doc = builder.build(item, *ex);
          }
        } catch (const std::exception& e) {
          p.error = std::string("parser error: ") + e.what();
        } catch (const Xapian::Error& e) {
          p.error = "index error: " + e.get_description();
        }
        const bool stop = p.fatal;
        channel.push(std::move(p));
        if (stop) break;
      }
      channel.producer_done();
    });
  }

  std::optional<Error> fatal;
  std::size_t since_commit = 0;
  // Documents go to their shard's writer; at a commit point every writer catches up first.
  std::optional<ShardWriters> writers;
  writers.emplace(dbs, std::max(1u, std::thread::hardware_concurrency()));
  try {
    while (std::optional<Parsed> p = channel.pop()) {
      const FileItem& item = items[p->item];
      if (p->fatal) {
        next.store(todo.size());  // the other parser threads stop after their current file
        fatal = make_error(ErrorCode::kUnavailable, p->error);
        while (channel.pop()) {
        }
        break;
      }
      ++progress.done;
      const std::size_t shard = layout::shard_of(item.id(), nshards);
      const bool replacing = existing.count(item.id()) != 0;
      if (!p->doc) {
        std::string reason = p->error;
        if (!item.url.empty() && reason.rfind(item.path.string(), 0) == 0)
          reason = item.url + reason.substr(item.path.string().size());  // the spool file is nobody's business
        report.failed.push_back({item.where(), reason});
        failed_ids.insert(item.id());
        ++progress.failed;
        // A file that no longer parses must not keep stale content under its id.
        if (replacing) {
          writers->apply(shard, [term = schema::id_term(item.id())](Xapian::WritableDatabase& db) {
            forget_spelling(db, term);
            db.delete_document(term);
          });
          ++report.deleted;
        }
      } else {
        writers->apply(shard, [doc = std::move(*p->doc), replacing](Xapian::WritableDatabase& db) {
          if (replacing) forget_spelling(db, doc.id_term);
          for (const std::string& w : doc.spelling_words) db.add_spelling(w);
          db.replace_document(doc.id_term, doc.doc);
        });
        ++report.indexed;
        ++progress.indexed;
        stage(JobStage::kDocumentWritten);
        if (++since_commit >= std::max<std::size_t>(options.commit_every, 1)) {
          writers->sync();
          stage(JobStage::kCommitting);
          commit_all(dbs);
          stage(JobStage::kCommitted);
          since_commit = 0;
        }
      }
      notify(false);
    }
    writers->sync();
  } catch (const Xapian::Error& e) {
    fatal = make_error(ErrorCode::kUnavailable, "index write failed: " + e.get_description());
    // Drain so the workers can finish.
    while (channel.pop()) {
    }
  }
  writers.reset();  // joins the writer threads: nothing touches dbs from here on but this thread
  for (auto& w : workers) w.join();
  if (fatal) return *fatal;

  try {
    for (const auto& [id, e] : existing) {
      if (seen.count(id)) continue;
      if (!options.only_source.empty() && !id.starts_with(options.only_source + "/")) continue;
      Xapian::WritableDatabase& db = dbs[layout::shard_of(id, nshards)];
      forget_spelling(db, schema::id_term(id));
      db.delete_document(schema::id_term(id));
      ++report.deleted;
    }
    // Every shard carries the metadata: Xapian reads it from the first database of a set, and a
    // shard server serves one shard alone.
    const std::string now = iso_now();
    for (Xapian::WritableDatabase& db : dbs) {
      db.set_metadata(std::string(schema::kSchemaVersionKey),
                      std::to_string(schema::kSchemaVersion));
      db.set_metadata(std::string(schema::kDeclaredFacetsKey),
                      nlohmann::json(options.declared_facets).dump());
      db.set_metadata(std::string(schema::kLastIndexedKey), now);
      db.set_metadata(std::string(schema::kThesaurusKey), thesaurus_json);
    }
    for (const auto& [key, value] : web_metadata) dbs[0].set_metadata(key, value);
    stage(JobStage::kCommitting);
    commit_all(dbs);
    stage(JobStage::kCommitted);
    report.documents = 0;
    for (Xapian::WritableDatabase& db : dbs) {
      report.documents += db.get_doccount();
      db.close();
    }
  } catch (const Xapian::Error& e) {
    return make_error(ErrorCode::kUnavailable, "index write failed: " + e.get_description());
  }
  if (options.full && have_index) {
    for (const auto& [id, e] : replaced)
      if (!seen.count(id) || failed_ids.count(id)) ++report.deleted;
    // The switch: one rename(2) of the stub. Readers that opened the previous generation keep
    // it until they reopen; it stays on disk until the next rebuild so they can.
    if (Status st = switch_to_new_generation(); !st) return st.error();
    if (Status st = remove_generations([&](int g) { return g < current_generation; }); !st)
      log::warn("index_cleanup_failed",
                {{"index", options.index_dir.string()}, {"what", st.error().message}});
  }
  if (!new_generation && generation > 0 &&
      layout::stub_text(options.index_dir, target) != current->stub_text) {
    if (Status st = layout::write_layout(options.index_dir, target); !st) return st.error();
  }
  report.generation = generation;
  report.shards = nshards;
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  notify(true);
  log::debug("index_job_done", {{"index", options.index_dir.string()}, {"found", report.found},
                               {"indexed", report.indexed}, {"unchanged", report.unchanged},
                               {"deleted", report.deleted}, {"failed", report.failed.size()},
                               {"seconds", report.seconds}});
  return report;
}

}  // namespace passage::indexer
