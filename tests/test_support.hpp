#pragma once
// Helpers shared by every test executable.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace passage::test {

/// The repository root.
std::filesystem::path source_dir();
/// The bundled sample corpus and its config.
std::filesystem::path sample_corpus_dir();
std::filesystem::path sample_config();
/// ../shared/corpus beside the repository, or empty when it is absent.
std::filesystem::path shared_corpus_dir();

/// A fresh temporary folder, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// Writes a file (creating parent folders).
void write_file(const std::filesystem::path& path, std::string_view content);
/// Reads a whole file.
std::string read_file(const std::filesystem::path& path);

/// Result of running a command.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
/// Runs argv (no shell) and captures stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv);

/// Every document of an index: id -> content hash + stored data (what "the same document" means
/// for crash tests).
std::map<std::string, std::string> index_contents(const std::filesystem::path& index);

/// For a process that is a child subreaper (prctl PR_SET_CHILD_SUBREAPER): waits until every
/// child (reparented orphans included) has ended; false when some still run after `limit`.
bool children_gone(std::chrono::milliseconds limit);

}  // namespace passage::test
