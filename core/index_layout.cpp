#include "core/index_layout.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace passage::layout {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kDirective = "#passage ";
constexpr std::string_view kGenPrefix = "gen-";
constexpr std::string_view kShardPrefix = "shard-";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool parse_int(std::string_view s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

Result<Layout> parse_stub(const std::string& text, const fs::path& base, const fs::path& file) {
  Layout layout;
  layout.stub_text = text;
  int timeout = kDefaultTimeoutMs;
  std::istringstream in(text);
  std::string raw;
  int line_no = 0;
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kDataLoss, file.string() + ":" + std::to_string(line_no) + ": " + why);
  };
  while (std::getline(in, raw)) {
    ++line_no;
    std::string_view line = trim(raw);
    if (line.substr(0, kDirective.size()) == kDirective) {
      std::string_view rest = trim(line.substr(kDirective.size()));
      std::size_t sp = rest.find(' ');
      std::string_view key = rest.substr(0, sp);
      std::string_view value = sp == std::string_view::npos ? std::string_view() : trim(rest.substr(sp + 1));
      int n = 0;
      if (!parse_int(value, n) || n < 0) return bad("bad value in '" + std::string(line) + "'");
      if (key == "generation") layout.generation = n;
      else if (key == "timeout_ms") timeout = n;
      continue;
    }
    if (line.empty() || line.front() == '#') continue;
    std::size_t sp = line.find_first_of(" \t");
    if (sp == std::string_view::npos) return bad("expected 'auto PATH' or 'remote HOST:PORT'");
    std::string_view type = line.substr(0, sp);
    std::string_view arg = trim(line.substr(sp + 1));
    Shard s;
    s.name = shard_name(layout.shards.size());
    if (type == "auto" || type == "glass") {
      fs::path p(arg);
      s.path = (p.is_relative() ? base / p : p).lexically_normal();
    } else if (type == "remote") {
      auto addr = parse_address(arg);
      if (!addr) return bad(addr.error().message);
      s.host = addr->first;
      s.port = addr->second;
      s.timeout_ms = timeout;
      timeout = kDefaultTimeoutMs;
    } else {
      return bad("unsupported database type '" + std::string(type) + "'");
    }
    layout.shards.push_back(std::move(s));
  }
  if (layout.shards.empty()) return bad("the stub names no database");
  return layout;
}

Status write_atomically(const fs::path& file, const std::string& text) {
  fs::path tmp = file;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorCode::kUnavailable, "cannot write " + tmp.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return make_error(ErrorCode::kUnavailable, "cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    return make_error(ErrorCode::kUnavailable, "cannot flush " + tmp.string() + ": " + std::strerror(errno));
  if (::rename(tmp.c_str(), file.c_str()) != 0)
    return make_error(ErrorCode::kUnavailable, "cannot replace " + file.string() + ": " + std::strerror(errno));
  return Ok{};
}

std::string relative_or_absolute(const fs::path& p, const fs::path& base) {
  fs::path rel = p.lexically_relative(base);
  if (!rel.empty() && *rel.begin() != "..") return rel.generic_string();
  return p.string();
}

}  // namespace

std::string Shard::address() const { return remote() ? host + ":" + std::to_string(port) : path.string(); }

std::string shard_name(std::size_t shard) { return std::string(kShardPrefix) + std::to_string(shard); }

fs::path generation_dir(const fs::path& index_dir, int generation) {
  return index_dir / (std::string(kGenPrefix) + std::to_string(generation));
}

fs::path shard_dir(const fs::path& index_dir, int generation, std::size_t shard) {
  return generation_dir(index_dir, generation) / shard_name(shard);
}

std::vector<int> generations_on_disk(const fs::path& index_dir) {
  std::vector<int> out;
  std::error_code ec;
  for (fs::directory_iterator it(index_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    int g = 0;
    if (name.rfind(kGenPrefix, 0) == 0 && parse_int(std::string_view(name).substr(kGenPrefix.size()), g) && g > 0)
      out.push_back(g);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::uint64_t id_hash(std::string_view id) {
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a 64-bit offset basis
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ULL;  // FNV prime
  }
  return h;
}

Result<std::pair<std::string, unsigned short>> parse_address(std::string_view text) {
  std::size_t colon = text.rfind(':');
  auto bad = [&] {
    return make_error(ErrorCode::kInvalidArgument, "bad shard address '" + std::string(text) + "' (expected host:port, port 1-65535)");
  };
  if (colon == std::string_view::npos || colon == 0) return bad();
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || host.find_first_of(" \t/") != std::string_view::npos) return bad();
  int port = 0;
  if (!parse_int(text.substr(colon + 1), port) || port < 1 || port > 65535) return bad();
  return std::pair<std::string, unsigned short>{std::string(host), static_cast<unsigned short>(port)};
}

Result<Layout> read_layout(const fs::path& index) {
  std::error_code ec;
  fs::path stub;
  fs::path base;
  if (fs::is_directory(index, ec)) {
    stub = index / kStubFile;
    base = index;
    if (!fs::exists(stub, ec)) {
      // A plain database folder: generation 0, one local shard.
      if (fs::exists(index / "iamglass", ec) || fs::exists(index / "iamchert", ec)) {
        Layout l;
        l.shards.push_back(Shard{shard_name(0), fs::absolute(index).lexically_normal(), {}, 0, kDefaultTimeoutMs});
        return l;
      }
      return make_error(ErrorCode::kNotFound, "no index at " + index.string() + " (run `passage index` first)");
    }
  } else if (fs::is_regular_file(index, ec)) {
    stub = index;
    base = index.parent_path();
  } else {
    return make_error(ErrorCode::kNotFound, "no index at " + index.string() + " (run `passage index` first)");
  }
  std::ifstream in(stub, std::ios::binary);
  if (!in) return make_error(ErrorCode::kUnavailable, "cannot read " + stub.string());
  std::ostringstream s;
  s << in.rdbuf();
  return parse_stub(s.str(), fs::absolute(base).lexically_normal(), stub);
}

std::string stub_text(const fs::path& index_dir, const Layout& layout) {
  fs::path base = fs::absolute(index_dir).lexically_normal();
  std::string text =
      "# Passage index: Xapian stub database naming the shards of the current generation.\n"
      "# Written by `passage index`; replaced atomically. Xapian tools open this folder too.\n";
  text += std::string(kDirective) + "generation " + std::to_string(layout.generation) + "\n";
  for (const Shard& s : layout.shards) {
    if (s.remote()) {
      text += std::string(kDirective) + "timeout_ms " + std::to_string(s.timeout_ms) + "\n";
      std::string host = s.host.find(':') != std::string::npos ? "[" + s.host + "]" : s.host;
      text += "remote " + host + ":" + std::to_string(s.port) + "\n";
    } else {
      text += "auto " + relative_or_absolute(s.path, base) + "\n";
    }
  }
  return text;
}

Status write_layout(const fs::path& index_dir, const Layout& layout) {
  fs::path base = fs::absolute(index_dir).lexically_normal();
  const std::string text = stub_text(index_dir, layout);
  for (std::size_t k = 0; k < layout.shards.size(); ++k) {
    const Shard& s = layout.shards[k];
    // The per-shard stub a shard server opens: it follows generations as the main stub does.
    if (!s.path.empty() && layout.shards.size() > 1) {
      Status st = write_atomically(base / shard_name(k), "auto " + relative_or_absolute(s.path, base) + "\n");
      if (!st) return st;
    }
  }
  Status st = write_atomically(base / kStubFile, text);
  if (!st) return st;
  // Shard stubs of a previous, larger set (or of a set that is now one database).
  for (std::size_t k = layout.shards.size() > 1 ? layout.shards.size() : 0; k < 256; ++k) {
    std::error_code ec;
    fs::remove(base / shard_name(k), ec);
  }
  int dfd = ::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Ok{};
}

bool is_plain_database(const fs::path& index_dir) {
  std::error_code ec;
  return !fs::exists(index_dir / kStubFile, ec) &&
         (fs::exists(index_dir / "iamglass", ec) || fs::exists(index_dir / "iamchert", ec));
}

Status retire_plain_database(const fs::path& index_dir) {
  std::error_code ec;
  if (!fs::exists(index_dir / kStubFile, ec))
    return make_error(ErrorCode::kFailedPrecondition,
                      "no stub in " + index_dir.string() + ": the plain database stays");
  for (const char* marker : {"iamglass", "iamchert"}) {
    fs::remove(index_dir / marker, ec);
    if (ec)
      return make_error(ErrorCode::kUnavailable,
                        "cannot remove " + (index_dir / marker).string() + ": " + ec.message());
  }
  return Ok{};
}

Status remove_plain_database(const fs::path& index_dir) {
  if (Status st = retire_plain_database(index_dir); !st) return st;
  // The tables (NAME.glass, NAME.DB, NAME.baseA/B) and the lock file of the old database.
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(index_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string ext = it->path().extension().string();
    const std::string name = it->path().filename().string();
    if (ext == ".glass" || ext == ".DB" || ext == ".baseA" || ext == ".baseB" ||
        name == "flintlock")
      files.push_back(it->path());
  }
  if (ec)
    return make_error(ErrorCode::kUnavailable,
                      "cannot list " + index_dir.string() + ": " + ec.message());
  for (const fs::path& f : files) {
    fs::remove(f, ec);
    if (ec)
      return make_error(ErrorCode::kUnavailable,
                        "cannot remove " + f.string() + ": " + ec.message());
  }
  return Ok{};
}

Status remove_generations(const fs::path& index_dir, const std::function<bool(int)>& drop) {
  for (int g : generations_on_disk(index_dir)) {
    if (!drop(g)) continue;
    std::error_code ec;
    fs::remove_all(generation_dir(index_dir, g), ec);
    if (ec)
      return make_error(
          ErrorCode::kUnavailable,
          "cannot remove " + generation_dir(index_dir, g).string() + ": " + ec.message());
  }
  return Ok{};
}

Status claim_shard_folder(const fs::path& folder, const fs::path& index_dir) {
  const fs::path owner = fs::absolute(index_dir).lexically_normal();
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return make_error(ErrorCode::kUnavailable, "cannot create shard folder " + folder.string() + ": " + ec.message());
  const fs::path file = folder / kShardOwnerFile;
  if (fs::exists(file, ec)) {
    std::ifstream in(file, std::ios::binary);
    std::string recorded;
    std::getline(in, recorded);
    if (!in && !in.eof())
      return make_error(ErrorCode::kUnavailable, "cannot read " + file.string());
    if (fs::path(recorded).lexically_normal() == owner) return Ok{};
    return make_error(ErrorCode::kFailedPrecondition,
                      "shard folder " + folder.string() + " belongs to the index at " + recorded +
                          ", not to " + owner.string() + ": give each index its own shard folders");
  }
  // A folder that already holds anything else is not taken over either.
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(kGenPrefix, 0) != 0 && name != "lost+found")  // a disk's own root is fine
      return make_error(ErrorCode::kFailedPrecondition,
                        "shard folder " + folder.string() + " is not empty (" + name +
                            "): give the shard a folder of its own");
  }
  return write_atomically(file, owner.string() + "\n");
}

std::vector<fs::path> read_shard_folders(const fs::path& index_dir) {
  std::vector<fs::path> out;
  std::ifstream in(index_dir / kShardFoldersFile, std::ios::binary);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && fs::path(line).is_absolute()) out.emplace_back(line);
  return out;
}

Status write_shard_folders(const fs::path& index_dir, const std::vector<fs::path>& folders) {
  std::error_code ec;
  if (folders.empty()) {
    fs::remove(index_dir / kShardFoldersFile, ec);
    return Ok{};
  }
  std::string text;
  for (const fs::path& f : folders) text += f.string() + "\n";
  return write_atomically(index_dir / kShardFoldersFile, text);
}

fs::path shard_root_of(const fs::path& db) {
  const fs::path gen = db.parent_path();
  int g = 0;
  const std::string gen_name = gen.filename().string();
  if (db.filename().string().rfind(kShardPrefix, 0) != 0 || gen_name.rfind(kGenPrefix, 0) != 0 ||
      !parse_int(std::string_view(gen_name).substr(kGenPrefix.size()), g))
    return {};
  return gen.parent_path();
}

Result<IndexLock> IndexLock::acquire(const fs::path& index_dir) {
  const fs::path file = index_dir / kLockFile;
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return make_error(ErrorCode::kUnavailable,
                      "cannot open " + file.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return make_error(ErrorCode::kFailedPrecondition,
                        "another indexing job is already running on " + index_dir.string());
    return make_error(ErrorCode::kUnavailable,
                      "cannot lock " + file.string() + ": " + std::strerror(err));
  }
  return IndexLock(fd);
}

IndexLock& IndexLock::operator=(IndexLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

IndexLock::~IndexLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace passage::layout
