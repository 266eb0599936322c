#pragma once
// The on-disk layout of an index: one database or a set of shards, in generations.
//
//   INDEX/XAPIANDB          Xapian stub database file naming the shards of the current
//                           generation ("auto gen-3/shard-0", "remote host:port"); replaced
//                           atomically with rename(2), so every reader sees one whole set
//   INDEX/shard-K           one stub file per shard ("auto gen-3/shard-K"): what a shard server
//                           (`passage shard serve INDEX/shard-K`) opens, following generations
//   INDEX/gen-G/shard-K/    the Xapian (glass) database of shard K in generation G
//   PATH/gen-G/shard-K/     the same for a shard given its own folder PATH (another disk); PATH
//                           holds a file `passage-shard-of` naming the index it belongs to
//
// `passage index --full` builds generation G+1 beside G and switches the stub at the end; a crash
// before the switch leaves G serving. Xapian's own tools (xapian-delve INDEX) read the stub too.
// A plain Xapian database folder (the layout before generations) is read as generation 0 with
// one local shard; `--full` migrates it. Passage keeps two facts Xapian's stub format has no word
// for in comment lines it understands: "#passage generation G" and "#passage timeout_ms N" (for
// the next remote line).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace passage::layout {

/// The stub file inside an index folder (Xapian opens a folder holding it as that stub).
inline constexpr std::string_view kStubFile = "XAPIANDB";
/// Held (flock) by an indexing job for its whole run.
inline constexpr std::string_view kLockFile = "passage.lock";
/// Default wait for a remote shard's answer.
inline constexpr int kDefaultTimeoutMs = 2000;

/// Where one shard of the current generation is.
struct Shard {
  std::string name;              // "shard-K"
  std::filesystem::path path;    // local database folder (absolute); empty for a remote shard
  std::string host;              // remote shard: host and port served by xapian-tcpsrv
  unsigned short port = 0;
  int timeout_ms = kDefaultTimeoutMs;
  bool remote() const { return !host.empty(); }
  /// "host:port" or the local path, for messages and /healthz.
  std::string address() const;
};

struct Layout {
  /// 0 = a plain database folder without stub (the layout before generations).
  int generation = 0;
  std::vector<Shard> shards;
  /// The stub text as read (compare to notice a switched generation cheaply).
  std::string stub_text;
};

/// Reads the layout of an index folder (or of a stub file). kNotFound when there is no index.
Result<Layout> read_layout(const std::filesystem::path& index);

/// The text write_layout puts in INDEX/XAPIANDB for `layout`.
std::string stub_text(const std::filesystem::path& index_dir, const Layout& layout);

/// Writes INDEX/XAPIANDB (and INDEX/shard-K stubs) for `layout` atomically: each is written to a
/// temporary file, flushed to disk and renamed over the old one. Shard paths must lie inside
/// index_dir or be absolute.
Status write_layout(const std::filesystem::path& index_dir, const Layout& layout);

/// INDEX/gen-G and INDEX/gen-G/shard-K.
std::filesystem::path generation_dir(const std::filesystem::path& index_dir, int generation);
std::filesystem::path shard_dir(const std::filesystem::path& index_dir, int generation, std::size_t shard);
std::string shard_name(std::size_t shard);

/// Generation numbers of the gen-G folders present in index_dir, ascending.
std::vector<int> generations_on_disk(const std::filesystem::path& index_dir);

/// Stable 64-bit FNV-1a hash of a document id: the same on every run and machine.
std::uint64_t id_hash(std::string_view id);
/// The shard a document id belongs to among n shards.
inline std::size_t shard_of(std::string_view id, std::size_t n) { return n <= 1 ? 0 : id_hash(id) % n; }

/// True when index_dir holds a plain Xapian database (the layout before generations) and no stub.
bool is_plain_database(const std::filesystem::path& index_dir);

/// Retires a plain glass database in index_dir once a stub names its successor: removes its
/// marker file (`iamglass`), so from that instant Xapian opens the folder as the stub (Xapian
/// prefers a database's own files to a stub in the same folder). Its tables stay, for readers
/// that are opening them at that moment.
Status retire_plain_database(const std::filesystem::path& index_dir);

/// Removes every file of a plain database from index_dir (marker first, then tables), when a
/// stub is there. Nothing to do is not an error.
Status remove_plain_database(const std::filesystem::path& index_dir);

/// The file in a shard's own folder naming the index folder it belongs to.
inline constexpr std::string_view kShardOwnerFile = "passage-shard-of";

/// Claims `folder` (a shard's own folder, outside the index folder) for the index in index_dir:
/// creates it and records the owner, so two indexes never share (and clean up) one folder.
/// kFailedPrecondition when it belongs to another index.
Status claim_shard_folder(const std::filesystem::path& folder, const std::filesystem::path& index_dir);

/// INDEX/passage-shard-folders: the shards' own folders this index has written generations in,
/// one a line, so a rebuild also clears folders a shard has since moved away from.
inline constexpr std::string_view kShardFoldersFile = "passage-shard-folders";
std::vector<std::filesystem::path> read_shard_folders(const std::filesystem::path& index_dir);
Status write_shard_folders(const std::filesystem::path& index_dir,
                           const std::vector<std::filesystem::path>& folders);

/// The folder holding the generations of a shard whose database is at `db` (ROOT for
/// ROOT/gen-G/shard-K); empty when `db` is not laid out like that (a plain database).
std::filesystem::path shard_root_of(const std::filesystem::path& db);

/// Removes INDEX/gen-G for every generation on disk for which `drop(G)` is true.
Status remove_generations(const std::filesystem::path& index_dir,
                          const std::function<bool(int)>& drop);

/// An exclusive lock on an index folder (flock on INDEX/passage.lock), held by an indexing job for
/// its whole run so a second job on the same index fails at once. Released by the destructor, and
/// by the kernel when the process dies however it dies.
class IndexLock {
 public:
  /// kFailedPrecondition "another indexing job is already running on INDEX" when held elsewhere.
  static Result<IndexLock> acquire(const std::filesystem::path& index_dir);
  IndexLock(IndexLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  IndexLock& operator=(IndexLock&& other) noexcept;
  IndexLock(const IndexLock&) = delete;
  IndexLock& operator=(const IndexLock&) = delete;
  ~IndexLock();

 private:
  explicit IndexLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// Parses "host:port" (port 1..65535, host non-empty). kInvalidArgument otherwise.
Result<std::pair<std::string, unsigned short>> parse_address(std::string_view text);

}  // namespace passage::layout
