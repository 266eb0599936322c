// PDF extraction with poppler-cpp: per-page text in reading order, Info-dictionary metadata with
// XMP and the catalog's /Lang as fallbacks, and a first-page heading when the title is junk.

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>

#include "core/analysis/normalize.hpp"
#include "indexer/extract/extractor.hpp"
#include "indexer/extract/field_cleanup.hpp"

namespace passage::indexer {

namespace {

constexpr std::size_t kMaxTitleBytes = 200;
constexpr std::size_t kMinLetters = 20;

// Poppler reports syntax problems through a global callback that prints to stderr by default.
// We keep the last message of this thread so that a load failure can say why.
thread_local std::string t_last_poppler_message;

void remember_poppler_message(const std::string& message, void* /*closure*/) {
  t_last_poppler_message = message;
}

void silence_poppler() {
  static std::once_flag once;
  std::call_once(once,
                 [] { poppler::set_debug_error_function(&remember_poppler_message, nullptr); });
}

std::string to_string(const poppler::ustring& u) {
  if (u.empty()) return {};
  const poppler::byte_array bytes = u.to_utf8();
  return analysis::sanitize_utf8(std::string_view(bytes.data(), bytes.size()));
}

std::string info_string(const poppler::document& doc, const char* key) {
  return collapse_whitespace(to_string(doc.info_key(key)));
}

std::string_view find_bytes(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  if (from >= hay.size()) return {};
  const void* p = memmem(hay.data() + from, hay.size() - from, needle.data(), needle.size());
  if (p == nullptr) return {};
  const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(p) - hay.data());
  return hay.substr(at);
}

// /Lang of the document catalog when the catalog is stored uncompressed ("/Lang (en-GB)").
std::string catalog_language(std::string_view pdf) {
  for (std::size_t from = 0;;) {
    std::string_view hit = find_bytes(pdf, "/Catalog", from);
    if (hit.empty()) return {};
    const std::size_t at = pdf.size() - hit.size();
    from = at + 8;
    // The catalog object: from the preceding "obj" to the following "endobj".
    const std::size_t obj = pdf.rfind(" obj", at);
    const std::size_t start =
        obj == std::string_view::npos || at - obj > 4096 ? (at > 4096 ? at - 4096 : 0) : obj;
    std::string_view end_hit = find_bytes(pdf, "endobj", at);
    const std::size_t end =
        end_hit.empty() ? std::min(pdf.size(), at + 4096) : pdf.size() - end_hit.size();
    std::string_view object = pdf.substr(start, end - start);
    std::string_view lang = find_bytes(object, "/Lang");
    if (lang.empty()) continue;
    lang.remove_prefix(5);
    while (!lang.empty() && (lang.front() == ' ' || lang.front() == '\r' || lang.front() == '\n'))
      lang.remove_prefix(1);
    if (lang.empty() || lang.front() != '(') continue;
    const std::size_t close = lang.find(')');
    if (close == std::string_view::npos || close > 36) continue;
    std::string tag(lang.substr(1, close - 1));
    bool plain = !tag.empty();
    for (char c : tag) {
      plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_');
    }
    if (plain) return tag;
  }
}

std::string decode_xml_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    const std::size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out += '&';
    else if (ent == "lt")
      out += '<';
    else if (ent == "gt")
      out += '>';
    else if (ent == "quot")
      out += '"';
    else if (ent == "apos")
      out += '\'';
    else {
      out.append(s.substr(i, semi - i + 1));  // numeric references are rare here; keep them
    }
    i = semi;
  }
  return out;
}

// The text of the first <rdf:li> (or plain text) inside <tag>...</tag> of an XMP packet.
std::string xmp_first_value(std::string_view xmp, std::string_view tag) {
  std::string open = "</";
  open.append(tag);
  const std::size_t at = xmp.find(std::string_view(open).substr(1));
  if (at == std::string_view::npos) return {};
  const std::size_t gt = xmp.find('>', at);
  const std::size_t close = xmp.find(open, at);
  if (gt == std::string_view::npos || close == std::string_view::npos || close < gt) return {};
  std::string_view inner = xmp.substr(gt + 1, close - gt - 1);
  if (const std::size_t li = inner.find("<rdf:li"); li != std::string_view::npos) {
    const std::size_t li_gt = inner.find('>', li);
    const std::size_t li_end = inner.find("</rdf:li>", li);
    if (li_gt == std::string_view::npos || li_end == std::string_view::npos || li_end < li_gt)
      return {};
    inner = inner.substr(li_gt + 1, li_end - li_gt - 1);
  }
  if (inner.find('<') != std::string_view::npos) return {};
  return collapse_whitespace(decode_xml_text(inner));
}

std::vector<std::string> split_authors(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(';', start);
    if (end == std::string_view::npos) end = s.size();
    std::string name = collapse_whitespace(s.substr(start, end - start));
    const std::string lower = ascii_lower(name);
    const bool junk = name.size() < 2 || lower == "administrator" || lower == "admin" ||
                      lower == "user" || lower == "owner" || lower == "unknown" ||
                      lower == "microsoft office user" || lower == "windows user" ||
                      count_letters(name, 2) < 2;
    if (!junk) out.push_back(std::move(name));
    start = end + 1;
  }
  return out;
}

// Trims page text: form feeds become newlines, surrounding blank space goes.
std::string clean_page_text(std::string_view raw) {
  std::string text = analysis::sanitize_utf8(raw);
  for (char& c : text) {
    if (c == '\f' || c == '\r') c = '\n';
  }
  std::size_t b = 0;
  while (b < text.size() && (text[b] == '\n' || text[b] == ' ' || text[b] == '\t')) ++b;
  std::size_t e = text.size();
  while (e > b && (text[e - 1] == '\n' || text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  return text.substr(b, e - b);
}

// Court filings and reports repeat "Case 1:19-cv-07058 Document 1 Filed 07/29/19 Page 1 of 10" at
// the top of every page: never a title.
bool is_running_header(const std::string& line) {
  const std::string lower = ascii_lower(line);
  const bool numbered = lower.find_first_of("0123456789") != std::string::npos;
  return numbered &&
         ((lower.find("page") != std::string::npos && lower.find(" of ") != std::string::npos) ||
          (lower.find("seite") != std::string::npos && lower.find(" von ") != std::string::npos));
}

bool ends_open(const std::string& s) {
  if (s.empty()) return false;
  const char c = s.back();
  return c == ':' || c == ',' || c == '-' ||
         (s.size() >= 3 && s.compare(s.size() - 3, 3, "\u2013") == 0);
}

bool starts_lower(const std::string& s) {
  return !s.empty() && s.front() >= 'a' && s.front() <= 'z';
}

// A title from the first lines of a page: the first line with at least 4 letters and at most 200
// bytes that is not a running header, continued by the next line when it visibly goes on.
std::string heading_from_lines(std::string_view page) {
  std::vector<std::string> lines;
  for (std::size_t pos = 0; pos <= page.size() && lines.size() < 40;) {
    std::size_t nl = page.find('\n', pos);
    if (nl == std::string_view::npos) nl = page.size();
    lines.push_back(collapse_whitespace(page.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& first = lines[i];
    if (count_letters(first, 4) < 4 || first.size() > kMaxTitleBytes || is_junk_title(first) ||
        is_running_header(first)) {
      continue;
    }
    std::string title = first;
    for (std::size_t j = i + 1; j < lines.size() && j < i + 3; ++j) {
      const std::string& next = lines[j];
      if (next.empty() || title.size() + 1 + next.size() > kMaxTitleBytes) break;
      if (!ends_open(title) && !starts_lower(next)) break;
      title += ' ';
      title += next;
    }
    return title;
  }
  return {};
}

// A title from typography: the first run of words set in the page's largest font, when that font
// is clearly larger than the body text and the run reads like a heading (whole words, at most 200
// bytes). Letter-spaced covers and logos fail these tests and leave the decision to the lines.
std::string heading_from_fonts(const poppler::page& page) {
  struct Word {
    std::string text;
    double size;
    double top;
    double bottom;
    std::size_t letters;
  };
  std::vector<Word> words;
  for (const poppler::text_box& box : page.text_list(poppler::page::text_list_include_font)) {
    if (!box.has_font_info()) return {};
    if (box.rotation() != 0) continue;  // margin notes ("Vorabfassung ...") run sideways
    std::string text = collapse_whitespace(to_string(box.text()));
    if (text.empty()) continue;
    const poppler::rectf r = box.bbox();
    const std::size_t letters = count_letters(text);
    words.push_back({std::move(text), box.get_font_size(), r.top(), r.bottom(), letters});
    if (words.size() > 5000) break;
  }
  if (words.empty()) return {};

  std::vector<std::pair<double, std::size_t>> sizes;  // (size, letters)
  for (const Word& w : words) {
    auto it = std::find_if(sizes.begin(), sizes.end(), [&](const auto& s) {
      return std::abs(s.first - w.size) <= 0.05 * s.first;
    });
    if (it == sizes.end())
      sizes.emplace_back(w.size, w.letters);
    else
      it->second += w.letters;
  }
  // The body size is the size carrying the most letters; on a cover page, with little text, the
  // heading is compared with the smallest size instead.
  const auto most = std::max_element(
      sizes.begin(), sizes.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  const double smallest = std::min_element(sizes.begin(), sizes.end())->first;
  const double body = most->second >= 200 ? most->first : smallest;
  std::sort(sizes.begin(), sizes.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });

  for (std::size_t k = 0; k < sizes.size() && k < 3; ++k) {
    const double size = sizes[k].first;
    if (size < body * 1.15) break;
    auto same = [&](const Word& w) { return std::abs(w.size - size) <= 0.05 * size; };
    std::string title;
    std::size_t letters = 0;
    std::size_t count = 0;
    std::size_t others = 0;
    double last_bottom = 0;
    for (const Word& w : words) {
      if (!same(w)) {
        if (count > 0 && w.size < size && ++others > 3) break;
        continue;
      }
      if (count > 0 && w.top - last_bottom > 1.2 * size) break;
      others = 0;
      if (!title.empty()) title += ' ';
      title += w.text;
      letters += w.letters;
      ++count;
      last_bottom = std::max(last_bottom, w.bottom);
      if (title.size() > kMaxTitleBytes) break;
    }
    if (title.size() > kMaxTitleBytes) return {};
    if (letters >= 8 && letters >= count * 5 / 2 && !is_junk_title(title) &&
        !is_running_header(title))
      return title;
  }
  return {};
}

Result<Extracted> read_pdf(std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return make_error(ErrorCode::kUnsupported, "PDF too large");
  }
  t_last_poppler_message.clear();
  // load_from_raw_data reads `bytes` in place: they outlive `doc`.
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) {
    std::string why = t_last_poppler_message.empty() ? "cannot be parsed" : t_last_poppler_message;
    return make_error(ErrorCode::kDataLoss, "broken PDF: " + why);
  }
  if (doc->is_locked())
    return make_error(ErrorCode::kDataLoss, "encrypted PDF (password required)");

  Extracted out;
  out.pages = doc->pages();
  out.page_offsets.reserve(static_cast<std::size_t>(std::max(out.pages, 0)));
  std::string first_text_page;
  int first_text_page_index = -1;
  for (int i = 0; i < out.pages; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    std::string text;
    if (page) {
      // Reading order like pdftotext's default; physical layout pads lines with spaces instead.
      const poppler::byte_array raw =
          page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout).to_utf8();
      text = clean_page_text(std::string_view(raw.data(), raw.size()));
    }
    if (!out.text.empty() && !text.empty()) out.text += "\n\n";
    out.page_offsets.push_back(out.text.size());
    if (first_text_page.empty() && i < 2 && !text.empty()) {
      first_text_page = text;
      first_text_page_index = i;
    }
    out.text += text;
  }
  if (count_letters(out.text, kMinLetters) < kMinLetters) {
    return make_error(ErrorCode::kDataLoss, "no extractable text (image-only or empty PDF)");
  }

  const std::string xmp = to_string(doc->metadata());
  out.title = info_string(*doc, "Title");
  if (out.title.empty() && !xmp.empty()) out.title = xmp_first_value(xmp, "dc:title");
  if (is_junk_title(out.title) && first_text_page_index >= 0) {
    std::unique_ptr<poppler::page> page(doc->create_page(first_text_page_index));
    out.title = page ? heading_from_fonts(*page) : std::string();
    if (out.title.empty()) out.title = heading_from_lines(first_text_page);
  }
  out.title = std::string(utf8_prefix(out.title, 2 * kMaxTitleBytes));

  out.authors = split_authors(info_string(*doc, "Author"));
  if (out.authors.empty() && !xmp.empty())
    out.authors = split_authors(xmp_first_value(xmp, "dc:creator"));
  out.description = info_string(*doc, "Subject");
  out.keywords = info_string(*doc, "Keywords");
  if (out.keywords.empty() && !xmp.empty()) out.keywords = xmp_first_value(xmp, "pdf:Keywords");
  if (!xmp.empty()) out.publisher = xmp_first_value(xmp, "dc:publisher");

  const time_t created = doc->info_date_t("CreationDate");
  if (created > 0) {
    std::tm tm{};
    if (gmtime_r(&created, &tm) != nullptr && tm.tm_year + 1900 >= 1900 &&
        tm.tm_year + 1900 <= 2100) {
      out.year = tm.tm_year + 1900;
    }
  }

  out.language = catalog_language(bytes);
  if (out.language.empty() && !xmp.empty()) out.language = xmp_first_value(xmp, "dc:language");
  return out;
}

}  // namespace

Result<Extracted> extract_pdf(std::string_view bytes) {
  silence_poppler();
  try {
    return read_pdf(bytes);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kUnavailable, "out of memory reading PDF");
  } catch (const std::exception& e) {  // poppler-cpp rarely throws, but it may
    return make_error(ErrorCode::kDataLoss, std::string("broken PDF: ") + e.what());
  }
}

}  // namespace passage::indexer
