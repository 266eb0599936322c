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

/// What one document yields. Titles come from metadata (<title>, og:title / citation_title /
/// DC.title, PDF Info or XMP, front matter); a PDF whose metadata title is junk ("Microsoft Word -
/// x.docx", "untitled", a file name) gets its first page's heading instead (largest type, else the
/// first real line), Markdown its first "# heading", plain text its first short line.
struct Extracted {
  std::string title;                     // best title; empty if none found
  std::string text;                      // body text, valid UTF-8, paragraphs separated by "\n\n"
  std::string language;                  // from metadata (<html lang>, PDF /Lang, front matter), raw tag
  std::optional<int> year;               // publication year from metadata, when known
  std::vector<std::string> authors;
  std::string description;               // meta description / PDF subject (not repeated in text)
  std::string keywords;                  // PDF Keywords, <meta name=keywords>, citation_keywords
  std::string publisher;                 // citation_publisher, DC.publisher, og:site_name
  std::string pdf_url;                   // HTML landing page: the paper's PDF (citation_pdf_url)
  int pages = 0;                         // PDF page count (0 for other formats)
  /// PDF: byte offset in text where page i+1 starts (page_offsets[0] == 0; pages are joined with
  /// "\n\n" before the offset). A page without text gets the offset of the end of the text before
  /// it, so offsets never decrease: the page of byte b is upper_bound(offsets, b) - begin.
  std::vector<std::size_t> page_offsets;
};

/// Extracts from a file on disk. Errors: kNotFound / kUnavailable (cannot read), kDataLoss
/// (corrupt, encrypted, or "no extractable text"), kUnsupported (unknown format, not a regular
/// file, or larger than 200 MB). Messages start with the file name. When the content has no year,
/// a dated blog path supplies it ("2015-07-15-title.md", ".../2014/02/13/post.md").
/// Thread-safe: the indexer calls it from several workers at once.
Result<Extracted> extract_file(const std::filesystem::path& path);

/// Reads a file for extraction, with extract_file's checks and errors.
Result<std::string> read_input_file(const std::filesystem::path& path);

/// Extracts from bytes already in memory (a file read by read_input_file, or fetched content):
/// `name` (a path, or a URL's path) gives the format hint, the dated-blog year and the file name
/// that error messages start with. extract_file(p) is extract_named(p, read_input_file(p)).
Result<Extracted> extract_named(const std::filesystem::path& name, std::string_view bytes);

/// Extracts from bytes already in memory, in a known format.
Result<Extracted> extract_bytes(std::string_view bytes, Format format);

// Per-format entry points (used by extract_bytes; exposed for tests).
Result<Extracted> extract_pdf(std::string_view bytes);
Result<Extracted> extract_html(std::string_view bytes);
Result<Extracted> extract_text(std::string_view bytes, bool markdown);

}  // namespace passage::indexer
