// Durations as scenario files write them: whole numbers with units, "250ms", "90s", "1h30m".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sim/time.h"

namespace mw::scen {

// kDurationSyntax says what parse_duration_text accepts, for error messages.
inline constexpr const char* kDurationSyntax =
    "whole numbers with units h, m, s, ms, us, largest first, e.g. 250ms, 90s, 15m, 1h30m";

// parse_duration_text reads `text`; a leading '-' only when `allow_negative`. Nothing (and no
// exception) on anything else, including an empty text, a repeated or misordered unit, a
// number without a unit and an overflow.
std::optional<sim::Duration> parse_duration_text(std::string_view text,
                                                 bool allow_negative = false);

// format_duration_text writes `d` the way parse_duration_text reads it ("1h30m", "0s").
std::string format_duration_text(sim::Duration d);

}  // namespace mw::scen
