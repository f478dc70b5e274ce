// Whole numbers as the command line and sweep specs write them: seeds, counts, shard numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mw::scen {

// parse_decimal reads `text` as a decimal number of at most 2^64 - 1: digits only, no sign, no
// spaces. Nothing on anything else, an empty text or an overflow included.
std::optional<std::uint64_t> parse_decimal(std::string_view text);

}  // namespace mw::scen
