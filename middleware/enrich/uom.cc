#include "middleware/enrich/uom.h"

#include <algorithm>
#include <limits>

namespace mw::core {
namespace {

// 128-bit arithmetic makes `milli * numerator` exact for every pair of int64 values.
__extension__ typedef __int128 Int128;

std::string describe(std::int64_t milli, const std::string& uom) {
  return format_milli(milli) + " " + uom;
}

}  // namespace

bool is_known_unit(std::string_view uom) {
  return std::find(kKnownUnits.begin(), kKnownUnits.end(), uom) != kKnownUnits.end();
}

Result<std::int64_t> convert_milli(std::int64_t milli, const std::string& from,
                                   const std::string& to, const MasterData& master) {
  if (from == to) return milli;
  std::int64_t numerator = 0;
  std::int64_t denominator = 0;
  if (auto it = master.conversions.find({from, to}); it != master.conversions.end()) {
    numerator = it->second.numerator;
    denominator = it->second.denominator;
  } else if (auto rev = master.conversions.find({to, from}); rev != master.conversions.end()) {
    numerator = rev->second.denominator;
    denominator = rev->second.numerator;
  } else {
    return business("no unit conversion from " + from + " to " + to + " in master data");
  }
  if (numerator <= 0 || denominator <= 0) {
    return business("unit conversion from " + from + " to " + to +
                    " in master data is invalid: " + std::to_string(numerator) + "/" +
                    std::to_string(denominator) + " is not a positive factor");
  }
  const Int128 product = static_cast<Int128>(milli) * numerator;
  if (product % denominator != 0) {
    return business("converting " + describe(milli, from) + " to " + to + " is not exact (factor " +
                    std::to_string(numerator) + "/" + std::to_string(denominator) +
                    " leaves a remainder below one milli-unit)");
  }
  const Int128 result = product / denominator;
  if (result > std::numeric_limits<std::int64_t>::max() ||
      result < std::numeric_limits<std::int64_t>::min()) {
    return business("converting " + describe(milli, from) + " to " + to +
                    " overflows a 64-bit milli-unit quantity");
  }
  return static_cast<std::int64_t>(result);
}

std::string format_milli(std::int64_t milli) {
  // The magnitude as unsigned, so that the most negative value has one too.
  const std::uint64_t magnitude =
      milli < 0 ? ~static_cast<std::uint64_t>(milli) + 1 : static_cast<std::uint64_t>(milli);
  std::string out = milli < 0 ? "-" : "";
  out += std::to_string(magnitude / 1000);
  std::uint64_t frac = magnitude % 1000;
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 3 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}

}  // namespace mw::core
