#include "middleware/enrich/uom.h"

#include <gtest/gtest.h>

#include <limits>

namespace mw::core {
namespace {

MasterData conversions() {
  MasterData m;
  m.conversions[{"G", "KG"}] = UomConversion{1, 1000};
  m.conversions[{"T", "KG"}] = UomConversion{1000, 1};
  m.conversions[{"EA", "M"}] = UomConversion{3, 2};  // a 1.5 m part
  m.conversions[{"L", "ML"}] = UomConversion{1000, 0};
  return m;
}

std::int64_t converted(std::int64_t milli, const std::string& from, const std::string& to) {
  Result<std::int64_t> r = convert_milli(milli, from, to, conversions());
  EXPECT_TRUE(r.is_ok()) << r.error().message;
  return r.is_ok() ? r.value() : 0;
}

std::string failure(std::int64_t milli, const std::string& from, const std::string& to) {
  Result<std::int64_t> r = convert_milli(milli, from, to, conversions());
  if (r.is_ok()) return "converted to " + std::to_string(r.value());
  EXPECT_EQ(r.error().kind, ErrorKind::kBusiness);
  return r.error().message;
}

TEST(Uom, CatalogueHoldsTheCanonicalUnits) {
  for (const char* u : {"KG", "G", "T", "EA", "M", "CM", "MM", "L", "ML"}) {
    EXPECT_TRUE(is_known_unit(u)) << u;
  }
  for (const char* u : {"", "kg", "GR", "PCS", "LB", "KG "}) EXPECT_FALSE(is_known_unit(u)) << u;
}

TEST(Uom, EqualUnitsConvertToThemselves) {
  EXPECT_EQ(convert_milli(-42, "XX", "XX", MasterData()).value(), -42);
}

TEST(Uom, ConvertsForwardAndInReverse) {
  EXPECT_EQ(converted(1500000, "G", "KG"), 1500);  // 1500 g = 1.5 kg
  EXPECT_EQ(converted(1500, "KG", "G"), 1500000);  // reverse: numerator and denominator swap
  EXPECT_EQ(converted(2500, "T", "KG"), 2500000);
  EXPECT_EQ(converted(2500000, "KG", "T"), 2500);
  EXPECT_EQ(converted(-2000, "EA", "M"), -3000);  // signs survive
  EXPECT_EQ(converted(3000, "M", "EA"), 2000);
}

TEST(Uom, InexactConversionFails) {
  EXPECT_EQ(failure(1500, "G", "KG"),
            "converting 1.5 G to KG is not exact (factor 1/1000 leaves a remainder below one "
            "milli-unit)");
  EXPECT_EQ(failure(1000, "M", "EA"),
            "converting 1 M to EA is not exact (factor 2/3 leaves a remainder below one "
            "milli-unit)");
}

TEST(Uom, MissingConversionFails) {
  EXPECT_EQ(failure(1000, "KG", "EA"), "no unit conversion from KG to EA in master data");
}

TEST(Uom, InvalidFactorFails) {
  EXPECT_EQ(failure(1000, "L", "ML"),
            "unit conversion from L to ML in master data is invalid: 1000/0 is not a positive "
            "factor");
}

TEST(Uom, OverflowFailsInsteadOfWrapping) {
  EXPECT_EQ(failure(std::numeric_limits<std::int64_t>::max(), "KG", "G"),
            "converting 9223372036854775.807 KG to G overflows a 64-bit milli-unit quantity");
  // The intermediate product (1.2e19) overflows 64 bits, the result (6e18) does not.
  EXPECT_EQ(converted(4'000'000'000'000'000'000, "EA", "M"), 6'000'000'000'000'000'000);
}

TEST(Uom, FormatMilliIsExactAndShort) {
  EXPECT_EQ(format_milli(0), "0");
  EXPECT_EQ(format_milli(1500), "1.5");
  EXPECT_EQ(format_milli(2000), "2");
  EXPECT_EQ(format_milli(-5), "-0.005");
  EXPECT_EQ(format_milli(1234567), "1234.567");
  EXPECT_EQ(format_milli(std::numeric_limits<std::int64_t>::min()), "-9223372036854775.808");
}

}  // namespace
}  // namespace mw::core
