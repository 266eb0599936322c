#pragma once
// Structured logging: one JSON object a line on stderr. Libraries log through this and never print.

#include <nlohmann/json.hpp>
#include <string_view>

namespace passage::log {

enum class Level { kDebug, kInfo, kWarn, kError };

/// Messages below this level are dropped (default: info; PASSAGE_LOG_LEVEL=debug|info|warn|error).
void set_level(Level level);
Level level();

/// Writes {"ts":..., "level":..., "event":..., ...fields} as one line on stderr (thread-safe).
void write(Level level, std::string_view event, nlohmann::json fields = nlohmann::json::object());

inline void debug(std::string_view e, nlohmann::json f = nlohmann::json::object()) { write(Level::kDebug, e, std::move(f)); }
inline void info(std::string_view e, nlohmann::json f = nlohmann::json::object()) { write(Level::kInfo, e, std::move(f)); }
inline void warn(std::string_view e, nlohmann::json f = nlohmann::json::object()) { write(Level::kWarn, e, std::move(f)); }
inline void error(std::string_view e, nlohmann::json f = nlohmann::json::object()) { write(Level::kError, e, std::move(f)); }

}  // namespace passage::log
