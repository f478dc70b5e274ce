#include "sim/time.h"

#include <gtest/gtest.h>

namespace mw::sim {
namespace {

TEST(Time, FormatsAsHoursMinutesSecondsAndNanoseconds) {
  EXPECT_EQ(format_time(kTimeZero), "00:00:00.000000000");
  EXPECT_EQ(format_time(kTimeZero + hours(9) + minutes(5) + seconds(7) + nanoseconds(42)),
            "09:05:07.000000042");
  EXPECT_EQ(format_duration(-milliseconds(1500)), "-00:00:01.500000000");
}

TEST(Time, IsIntegerNanoseconds) {
  static_assert(std::is_same_v<Duration::rep, std::int64_t>);
  static_assert(std::is_same_v<Duration::period, std::nano>);
  EXPECT_EQ(to_nanos(from_nanos(123456789)), 123456789);
}

}  // namespace
}  // namespace mw::sim
