#pragma once
// Character-set handling for the extractors: UTF-8 validation and conversion of legacy encodings
// (windows-1252, ISO-8859-x, UTF-16 with a BOM) to UTF-8 with ICU.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace passage::indexer {

/// `bytes` without a leading UTF-8 byte-order mark.
std::string_view strip_utf8_bom(std::string_view bytes) noexcept;

/// Converts `bytes` in the named charset to UTF-8. ISO-8859-1, US-ASCII and their aliases are
/// read as windows-1252, as browsers do. Returns nullopt for a charset ICU does not know.
std::optional<std::string> convert_to_utf8(std::string_view bytes, std::string_view charset);

/// Text of unknown encoding to UTF-8: a UTF-16 BOM selects UTF-16, valid UTF-8 stays as it is
/// (without its BOM), anything else is read as `fallback_charset`. The result may still hold
/// U+FFFD for undecodable bytes but is always valid UTF-8.
std::string decode_to_utf8(std::string_view bytes,
                           std::string_view fallback_charset = "windows-1252");

}  // namespace passage::indexer
