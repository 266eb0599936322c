#include "server/query_string.hpp"

#include <cstdint>

#include "core/analysis/normalize.hpp"

namespace passage::server {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> decode_component(std::string_view text, std::string_view what) {
  Result<std::string> decoded = percent_decode(text, true);
  if (!decoded) return decoded;
  if (!analysis::is_valid_utf8(*decoded)) {
    return make_error(ErrorCode::kInvalidArgument, std::string(what) + " is not valid UTF-8");
  }
  if (decoded->find('\0') != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument, std::string(what) + " contains a NUL byte");
  }
  return decoded;
}

}  // namespace

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return make_error(ErrorCode::kInvalidArgument,
                          "malformed percent-escape in the query string");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

Result<Target> parse_target(std::string_view target) {
  Target out;
  std::size_t q = target.find('?');
  out.path = std::string(target.substr(0, q));
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  // A fragment never reaches a server, but be tolerant of clients that send one.
  if (std::size_t hash = rest.find('#'); hash != std::string_view::npos)
    rest = rest.substr(0, hash);
  while (!rest.empty()) {
    std::size_t amp = rest.find('&');
    std::string_view piece = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (piece.empty()) continue;
    std::size_t eq = piece.find('=');
    std::string_view raw_name = piece.substr(0, eq);
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
    Result<std::string> name = decode_component(raw_name, "a parameter name");
    if (!name) return name.error();
    Result<std::string> value = decode_component(raw_value, "parameter '" + *name + "'");
    if (!value) return value.error();
    out.params.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

}  // namespace passage::server
