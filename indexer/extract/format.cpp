// Format detection, file reading and dispatch to the per-format extractors.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <system_error>
#include <vector>

#include "indexer/extract/extractor.hpp"
#include "indexer/extract/field_cleanup.hpp"

namespace passage::indexer {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFileBytes = 200ULL * 1024 * 1024;
constexpr std::size_t kSniffBytes = 1024;

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  return ascii_lower(s.substr(0, prefix.size())) == prefix;
}

Format format_from_extension(const fs::path& path) {
  const std::string ext = ascii_lower(path.extension().string());
  if (ext == ".pdf") return Format::kPdf;
  if (ext == ".html" || ext == ".htm" || ext == ".xhtml" || ext == ".shtml") return Format::kHtml;
  if (ext == ".md" || ext == ".markdown" || ext == ".mdown" || ext == ".mkd")
    return Format::kMarkdown;
  if (ext == ".txt" || ext == ".text") return Format::kText;
  return Format::kUnknown;
}

// The sniffed format of the first bytes, or kUnknown when they say nothing definite.
Format sniff(std::string_view head) {
  if (head.size() >= 3 && head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  if (head.substr(0, 5) == "%PDF-") return Format::kPdf;
  std::size_t i = 0;
  while (i < head.size() &&
         (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
    ++i;
  std::string_view rest = head.substr(i);
  if (starts_with_ci(rest, "<!doctype html") || starts_with_ci(rest, "<html")) return Format::kHtml;
  if (starts_with_ci(rest, "<?xml") && ascii_lower(rest).find("<html") != std::string::npos)
    return Format::kHtml;
  return Format::kUnknown;
}

// Text with no NUL bytes in the first block (or a UTF-16 BOM) is treated as plain text.
bool looks_textual(std::string_view head) {
  if (head.size() >= 2 &&
      ((head[0] == '\xFF' && head[1] == '\xFE') || (head[0] == '\xFE' && head[1] == '\xFF'))) {
    return true;
  }
  return head.find('\0') == std::string_view::npos;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int> plausible_year(std::string_view s) {
  if (s.size() != 4 || !all_digits(s)) return std::nullopt;
  const int year = std::stoi(std::string(s));
  return year >= 1990 && year <= 2100 ? std::optional<int>(year) : std::nullopt;
}

// Dates that blogs put in paths when the file itself has none: a Jekyll post name
// ("2015-07-15-title.md") or year/month folders (".../2014/02/13/post.md").
std::optional<int> year_from_path(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name.size() > 11 && name[4] == '-' && name[7] == '-' && name[10] == '-' &&
      all_digits(name.substr(5, 2)) && all_digits(name.substr(8, 2))) {
    if (auto year = plausible_year(std::string_view(name).substr(0, 4))) return year;
  }
  std::vector<std::string> folders;
  for (const fs::path& part : path.parent_path()) folders.push_back(part.string());
  for (std::size_t i = 0; i + 1 < folders.size(); ++i) {
    const std::string& month = folders[i + 1];
    if (month.size() == 2 && all_digits(month) && std::stoi(month) >= 1 && std::stoi(month) <= 12) {
      if (auto year = plausible_year(folders[i])) return year;
    }
  }
  return std::nullopt;
}

}  // namespace

const char* format_name(Format f) {
  switch (f) {
    case Format::kPdf:
      return "pdf";
    case Format::kHtml:
      return "html";
    case Format::kMarkdown:
      return "markdown";
    case Format::kText:
      return "text";
    case Format::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Format detect_format(const fs::path& path, std::string_view head) {
  head = head.substr(0, kSniffBytes);
  const Format sniffed = sniff(head);
  if (sniffed != Format::kUnknown) return sniffed;
  const Format by_name = format_from_extension(path);
  if (by_name != Format::kUnknown) return by_name;
  // No known extension (or none at all): front matter means Markdown, other text is plain text.
  if (path.extension().empty() && looks_textual(head)) {
    if (head.substr(0, 4) == "---\n" || head.substr(0, 5) == "---\r\n") return Format::kMarkdown;
    return Format::kText;
  }
  return Format::kUnknown;
}

Result<std::string> read_input_file(const fs::path& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    return make_error(ErrorCode::kNotFound, "file not found: " + path.string());
  }
  if (!fs::is_regular_file(st)) {
    return make_error(ErrorCode::kUnsupported, "not a regular file: " + path.string());
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec)
    return make_error(ErrorCode::kUnavailable,
                      "cannot read " + path.string() + ": " + ec.message());
  if (size > kMaxFileBytes) {
    return make_error(ErrorCode::kUnsupported, "file too large: " + path.string() + " has " +
                                                   std::to_string(size / (1024 * 1024)) +
                                                   " MB, the limit is 200 MB");
  }

  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    return make_error(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                      "cannot open " + path.string() + ": " + std::strerror(err));
  }
  std::string bytes;
  try {
    bytes.resize(static_cast<std::size_t>(size));
  } catch (const std::bad_alloc&) {
    std::fclose(f);
    return make_error(ErrorCode::kUnavailable, "out of memory reading " + path.string());
  }
  const std::size_t got = bytes.empty() ? 0 : std::fread(bytes.data(), 1, bytes.size(), f);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return make_error(ErrorCode::kUnavailable, "cannot read " + path.string());
  bytes.resize(got);  // the file may have shrunk since stat
  return bytes;
}

Result<Extracted> extract_named(const fs::path& name, std::string_view bytes) {
  const Format format = detect_format(name, bytes);
  if (format == Format::kUnknown) {
    const std::string ext = name.extension().string();
    return make_error(ErrorCode::kUnsupported, "unsupported format: " + name.string() +
                                                   (ext.empty() ? "" : " (" + ext + ")"));
  }
  auto result = extract_bytes(bytes, format);
  if (!result) {
    return make_error(result.error().code,
                      name.filename().string() + ": " + result.error().message);
  }
  if (!result->year) result->year = year_from_path(name);
  return result;
}

Result<Extracted> extract_file(const fs::path& path) {
  Result<std::string> bytes = read_input_file(path);
  if (!bytes) return bytes.error();
  return extract_named(path, *bytes);
}

Result<Extracted> extract_bytes(std::string_view bytes, Format format) {
  try {
    switch (format) {
      case Format::kPdf:
        return extract_pdf(bytes);
      case Format::kHtml:
        return extract_html(bytes);
      case Format::kMarkdown:
        return extract_text(bytes, /*markdown=*/true);
      case Format::kText:
        return extract_text(bytes, /*markdown=*/false);
      case Format::kUnknown:
        break;
    }
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kUnavailable, "out of memory during extraction");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("extraction failed: ") + e.what());
  }
  return make_error(ErrorCode::kUnsupported, "unsupported format");
}

}  // namespace passage::indexer
