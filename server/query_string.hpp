#pragma once
// Splitting a request target into its path and decoded query parameters
// (application/x-www-form-urlencoded: '&' separated, %XX escapes, '+' for space).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace passage::server {

struct Target {
  std::string path;                                         // raw path, without the query
  std::vector<std::pair<std::string, std::string>> params;  // decoded, in order
};

/// Decodes %XX escapes and, when plus_is_space, '+' as a space. Malformed escapes are
/// kInvalidArgument errors.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

/// Percent-encodes every byte but RFC 3986's unreserved characters (for a parameter value).
std::string percent_encode(std::string_view text);

/// Parses "path?name=value&...". Empty pieces ("a=1&&b=2") are skipped; a piece without '='
/// has an empty value. Names and values must decode to valid UTF-8 without NUL bytes.
Result<Target> parse_target(std::string_view target);

}  // namespace passage::server
