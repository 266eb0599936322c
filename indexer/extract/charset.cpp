#include "indexer/extract/charset.hpp"

#include <unicode/ucnv.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>

#include "core/analysis/normalize.hpp"
#include "indexer/extract/field_cleanup.hpp"

namespace passage::indexer {

namespace {

// The WHATWG Encoding Standard decodes these labels as windows-1252.
bool is_windows_1252_label(const std::string& name) {
  static constexpr std::string_view kLabels[] = {
      "iso-8859-1", "iso8859-1", "iso_8859-1", "iso88591",    "latin1",
      "l1",         "us-ascii",  "ascii",      "cp819",       "ibm819",
      "cp1252",     "x-cp1252",  "iso-ir-100", "windows-1252"};
  return std::find(std::begin(kLabels), std::end(kLabels), name) != std::end(kLabels);
}

}  // namespace

std::string_view strip_utf8_bom(std::string_view bytes) noexcept {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  return bytes;
}

std::optional<std::string> convert_to_utf8(std::string_view bytes, std::string_view charset) {
  std::string name = ascii_lower(charset);
  if (name.empty() || is_windows_1252_label(name)) name = "windows-1252";
  if (name == "utf-8" || name == "utf8") return analysis::sanitize_utf8(strip_utf8_bom(bytes));
  if (bytes.empty()) return std::string();

  UErrorCode status = U_ZERO_ERROR;
  UConverter* probe = ucnv_open(name.c_str(), &status);
  if (U_FAILURE(status) || probe == nullptr) return std::nullopt;
  ucnv_close(probe);

  const auto src_len = static_cast<int32_t>(bytes.size());
  // UTF-8 needs at most 3 bytes per UTF-16 unit; single-byte charsets need at most 3 per byte.
  std::string out;
  out.resize(static_cast<std::size_t>(src_len) * 3 + 16);
  status = U_ZERO_ERROR;
  int32_t written = ucnv_convert("UTF-8", name.c_str(), out.data(),
                                 static_cast<int32_t>(out.size()), bytes.data(), src_len, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {
    out.resize(static_cast<std::size_t>(written) + 16);
    status = U_ZERO_ERROR;
    written = ucnv_convert("UTF-8", name.c_str(), out.data(), static_cast<int32_t>(out.size()),
                           bytes.data(), src_len, &status);
  }
  if (U_FAILURE(status)) return std::nullopt;
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string decode_to_utf8(std::string_view bytes, std::string_view fallback_charset) {
  if (bytes.size() >= 2) {
    const auto b0 = static_cast<unsigned char>(bytes[0]);
    const auto b1 = static_cast<unsigned char>(bytes[1]);
    const char* utf16 = (b0 == 0xFF && b1 == 0xFE)   ? "UTF-16LE"
                        : (b0 == 0xFE && b1 == 0xFF) ? "UTF-16BE"
                                                     : nullptr;
    if (utf16 != nullptr) {
      if (auto out = convert_to_utf8(bytes.substr(2), utf16)) return analysis::sanitize_utf8(*out);
    }
  }
  bytes = strip_utf8_bom(bytes);
  if (analysis::is_valid_utf8(bytes)) return std::string(bytes);
  if (auto out = convert_to_utf8(bytes, fallback_charset)) return analysis::sanitize_utf8(*out);
  if (auto out = convert_to_utf8(bytes, "windows-1252")) return analysis::sanitize_utf8(*out);
  return analysis::sanitize_utf8(bytes);
}

}  // namespace passage::indexer
