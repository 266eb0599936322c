#include "server/document_files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

namespace passage::server {
namespace {

namespace fs = std::filesystem;

bool inside(const fs::path& file, const fs::path& root) {
  auto [r, f] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  // Every component of the root matched; a trailing empty component ("dir/") matches too.
  return r == root.end() || (std::next(r) == root.end() && r->empty());
}

}  // namespace

std::string_view document_content_type(const fs::path& path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kTypes{{
      {".pdf", "application/pdf"},
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".md", "text/markdown; charset=utf-8"},
      {".markdown", "text/markdown; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".text", "text/plain; charset=utf-8"},
  }};
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return type;
  }
  return "application/octet-stream";
}

Result<DocumentFile> read_document_file(const fs::path& path, const std::vector<fs::path>& roots) {
  if (roots.empty()) {
    return make_error(ErrorCode::kNotFound,
                      "this server does not serve document files (see passage serve --document-root)");
  }
  const Error unavailable{ErrorCode::kNotFound, "the document's file is not available"};
  if (path.empty() || !path.is_absolute()) return unavailable;
  std::error_code ec;
  fs::path real = fs::canonical(path, ec);
  if (ec || !fs::is_regular_file(real, ec) || ec) return unavailable;
  bool allowed = std::any_of(roots.begin(), roots.end(), [&](const fs::path& root) {
    std::error_code root_ec;
    fs::path real_root = fs::canonical(root, root_ec);
    return !root_ec && inside(real, real_root);
  });
  if (!allowed) return unavailable;
  std::uintmax_t size = fs::file_size(real, ec);
  if (ec) return unavailable;
  if (size > kMaxDocumentFileBytes) {
    return make_error(ErrorCode::kUnsupported, "the document's file is too large to serve");
  }
  std::ifstream in(real, std::ios::binary);
  if (!in) return unavailable;
  DocumentFile out;
  out.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return make_error(ErrorCode::kUnavailable, "the document's file cannot be read");
  out.content_type = std::string(document_content_type(real));
  out.filename = path.filename().string();
  return out;
}

}  // namespace passage::server
