#pragma once
// Text and metadata extraction from one file, behind one interface: PDF (Poppler), HTML (gumbo),
// plain text and Markdown. Expected failures (corrupt, encrypted, empty) are Error values, never
// exceptions: third-party exceptions are caught inside each extractor.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace passage::indexer {

enum class Format { kPdf, kHtml, kMarkdown, kText, kUnknown };

const char* format_name(Format f);

/// The format of a file, from its extension, confirmed or corrected by sniffing its first bytes
/// ("%PDF-" is a PDF whatever the name; "<!doctype html"/"<html" is HTML).
Format detect_format(const std::filesystem::path& path, std::string_view head);

struct Extracted {
  std::string title;                     // best title; empty if none found
  std::string text;                      // body text, valid UTF-8, paragraphs separated by "\n\n"
  std::string language;                  // from metadata (<html lang>, PDF /Lang, front matter), raw tag
  std::optional<int> year;               // publication year from metadata, when known
  std::vector<std::string> authors;
  std::string description;               // meta description / PDF subject
  int pages = 0;                         // PDF page count (0 for other formats)
  std::vector<std::size_t> page_offsets; // PDF: byte offset in text where page i+1 starts
};

/// Extracts from a file on disk. Errors: kNotFound / kUnavailable (cannot read), kDataLoss
/// (corrupt, encrypted, or "no extractable text"), kUnsupported (unknown format).
Result<Extracted> extract_file(const std::filesystem::path& path);

/// Extracts from bytes already in memory, in a known format.
Result<Extracted> extract_bytes(std::string_view bytes, Format format);

// Per-format entry points (used by extract_bytes; exposed for tests).
Result<Extracted> extract_pdf(std::string_view bytes);
Result<Extracted> extract_html(std::string_view bytes);
Result<Extracted> extract_text(std::string_view bytes, bool markdown);

}  // namespace passage::indexer
