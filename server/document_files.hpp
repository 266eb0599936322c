#pragma once
// The original file of an indexed document, for GET /api/documents/{id}/file: read only when it
// lies inside one of the configured document roots (after resolving symlinks and ".."), so the
// server cannot be made to read any other file.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace passage::server {

struct DocumentFile {
  std::string content_type;
  std::string filename;  // the last path component, for Content-Disposition
  std::string body;
};

/// Largest file served (bigger ones are refused with kUnsupported).
inline constexpr std::uintmax_t kMaxDocumentFileBytes = 256ull * 1024 * 1024;

/// Reads `path` if it is a regular file inside one of `roots`. kNotFound when no roots are
/// configured, the path is outside them or the file is gone; messages never name the path.
Result<DocumentFile> read_document_file(const std::filesystem::path& path,
                                        const std::vector<std::filesystem::path>& roots);

/// The content type served for a file name ("application/pdf", "text/plain; charset=utf-8", ...).
std::string_view document_content_type(const std::filesystem::path& path);

}  // namespace passage::server
