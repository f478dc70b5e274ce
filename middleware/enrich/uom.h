// Units of measure: the catalogue of units the core accepts, and exact conversion between them.
//
// Quantities are integers in milli-units (common.proto Quantity): 1.5 kg is {milli: 1500,
// uom: "KG"}. A conversion is a rational factor taken from master data and is applied exactly:
// it never rounds. A quantity that does not convert exactly is an error, because a rounded
// posting would make ERP stock drift away from the physical truth a little at every event.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "middleware/enrich/master_data.h"
#include "middleware/result.h"

namespace mw::core {

// kKnownUnits is the unit catalogue: every unit code an event may carry, ISO / UN-ECE style.
// Codes are case-sensitive. Adding a unit here is a contract change for every plant adapter.
inline constexpr std::array<std::string_view, 9> kKnownUnits = {"KG", "G",  "T", "EA", "M",
                                                                "CM", "MM", "L", "ML"};

// is_known_unit returns whether `uom` is one of kKnownUnits.
bool is_known_unit(std::string_view uom);

// convert_milli converts `milli` milli-units of unit `from` into milli-units of unit `to`.
// Equal units convert to themselves (whether or not they are in the catalogue). Otherwise the
// conversion (from, to) of `master` is used, or else (to, from) in reverse (numerator and
// denominator swapped). The result must be exact (no remainder) and fit in 64 bits. Every
// failure (no conversion, a non-positive factor in master data, an inexact result, overflow)
// is ErrorKind::kBusiness with a reason that names the quantity and both units.
Result<std::int64_t> convert_milli(std::int64_t milli, const std::string& from,
                                   const std::string& to, const MasterData& master);

// format_milli renders milli-units as a decimal number without trailing zeros and without a
// unit: 1500 -> "1.5", -5 -> "-0.005", 2000 -> "2". It is exact for every int64 value.
std::string format_milli(std::int64_t milli);

}  // namespace mw::core
