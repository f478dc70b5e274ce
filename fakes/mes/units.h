// Units of measure the MES converts between by physics, not by master data: mass (G, KG, T),
// length (MM, CM, M), volume (ML, L) and count (EA). A plant may keep a material's stock in one
// unit and consume it by a BOM written in another of the same kind (grams of a material stocked
// in kilograms); the events report the BOM's unit and the middleware converts with its master
// data, while the MES takes the exact equivalent from the lot.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mw::fakes {

// is_mes_unit tells whether `uom` is one of the units above.
bool is_mes_unit(std::string_view uom);

// same_kind tells whether two known units measure the same kind of quantity.
bool same_kind(std::string_view a, std::string_view b);

// convert_milli converts `milli` milli-units of `from` into `to` exactly, or returns nullopt
// (unknown units, different kinds, a remainder, or overflow).
std::optional<std::int64_t> convert_milli(std::int64_t milli, std::string_view from,
                                          std::string_view to);

}  // namespace mw::fakes
