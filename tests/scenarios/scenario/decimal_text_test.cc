// decimal_text: the one reader of whole numbers for seeds, counts and shard specs.
#include "scenarios/scenario/decimal_text.h"

#include <gtest/gtest.h>

namespace mw::scen {
namespace {

TEST(DecimalText, ReadsDigitsUpToTheLargest64BitNumber) {
  EXPECT_EQ(parse_decimal("0"), 0u);
  EXPECT_EQ(parse_decimal("007"), 7u);
  EXPECT_EQ(parse_decimal("18446744073709551615"), UINT64_MAX);
}

TEST(DecimalText, RefusesOverflowSignsSpacesAndEmptyText) {
  EXPECT_FALSE(parse_decimal("18446744073709551616"));
  EXPECT_FALSE(parse_decimal("99999999999999999999"));
  EXPECT_FALSE(parse_decimal(""));
  EXPECT_FALSE(parse_decimal("-1"));
  EXPECT_FALSE(parse_decimal("+1"));
  EXPECT_FALSE(parse_decimal(" 1"));
  EXPECT_FALSE(parse_decimal("1e3"));
}

}  // namespace
}  // namespace mw::scen
