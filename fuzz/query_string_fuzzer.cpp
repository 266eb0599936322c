// The request-target parser: path, '&'-separated parameters, %XX escapes, UTF-8 validation.

#include "fuzz/fuzz_targets.hpp"
#include "core/analysis/normalize.hpp"
#include "server/query_string.hpp"

namespace passage::fuzz {

int query_string(std::string_view bytes) {
  if (auto target = server::parse_target(bytes)) {
    require(target->path.size() <= bytes.size(), "query_string: the path is part of the target");
    for (const auto& [name, value] : target->params) {
      require(analysis::is_valid_utf8(name) && analysis::is_valid_utf8(value),
              "query_string: parameters are valid UTF-8");
      require(name.find('\0') == std::string::npos && value.find('\0') == std::string::npos,
              "query_string: parameters hold no NUL");
    }
  }
  for (bool plus_is_space : {false, true}) {
    if (auto decoded = server::percent_decode(bytes, plus_is_space)) {
      require(decoded->size() <= bytes.size(), "query_string: decoding never grows the text");
    }
  }
  return 0;
}

}  // namespace passage::fuzz

#ifdef PASSAGE_FUZZ_ENTRY
#include "fuzz/fuzz_entry.hpp"
PASSAGE_FUZZ_ENTRY_POINT(passage::fuzz::query_string)
#endif
