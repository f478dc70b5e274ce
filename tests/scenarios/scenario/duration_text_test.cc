// Durations as scenario files write them.
#include "scenarios/scenario/duration_text.h"

#include <gtest/gtest.h>

namespace mw::scen {
namespace {

TEST(DurationText, ReadsEachUnitAndCombinationsLargestFirst) {
  EXPECT_EQ(parse_duration_text("250ms"), sim::milliseconds(250));
  EXPECT_EQ(parse_duration_text("90s"), sim::seconds(90));
  EXPECT_EQ(parse_duration_text("15m"), sim::minutes(15));
  EXPECT_EQ(parse_duration_text("8h"), sim::hours(8));
  EXPECT_EQ(parse_duration_text("500us"), sim::microseconds(500));
  EXPECT_EQ(parse_duration_text("1h30m"), sim::minutes(90));
  EXPECT_EQ(parse_duration_text("1m30s250ms"), sim::milliseconds(90'250));
  EXPECT_EQ(parse_duration_text("0s"), sim::Duration::zero());
}

TEST(DurationText, RejectsWhatItCannotReadExactly) {
  for (const char* bad : {"", "15", "m", "1.5h", "15 m", "30m1h", "1m1m", "1d", "-", "1h-",
                          "99999999999999999999h"}) {
    EXPECT_FALSE(parse_duration_text(bad).has_value()) << bad;
  }
}

TEST(DurationText, NegativeOnlyWhereAllowed) {
  EXPECT_FALSE(parse_duration_text("-90s").has_value());
  EXPECT_EQ(parse_duration_text("-90s", /*allow_negative=*/true), sim::seconds(-90));
}

TEST(DurationText, FormatsWhatItReadsBack) {
  for (const char* text : {"1h30m", "250ms", "0s", "8h", "1m30s250ms", "-1m30s", "500us"}) {
    const auto d = parse_duration_text(text, true);
    ASSERT_TRUE(d.has_value()) << text;
    EXPECT_EQ(format_duration_text(*d), text);
  }
}

}  // namespace
}  // namespace mw::scen
