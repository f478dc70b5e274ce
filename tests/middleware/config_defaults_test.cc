// Config: the defaults pass the core's own checks, and a value outside what the core accepts
// is named with its field.
#include "middleware/config_defaults.h"

#include <gtest/gtest.h>

namespace mw::core {
namespace {

TEST(ConfigProblems, TheEmptyConfigAndItsDefaultsAreAccepted) {
  EXPECT_TRUE(config_problems(proto::Config{}).empty());
  EXPECT_TRUE(config_problems(with_defaults(proto::Config{})).empty());
}

TEST(ConfigProblems, EachValueOutsideTheRangeIsNamedWithItsField) {
  proto::Config c;
  c.mutable_poster()->set_backoff_jitter_percent(150);
  c.mutable_poster()->set_backoff_multiplier_percent(50);
  c.mutable_sequencer()->set_gap_timeout_ms(100'000'000);
  const auto problems = config_problems(c);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].field, "sequencer.gap_timeout_ms");
  EXPECT_EQ(problems[1].field, "poster.backoff_multiplier_percent");
  EXPECT_EQ(problems[2].field, "poster.backoff_jitter_percent");
  EXPECT_EQ(problems[2].what, "must be at most 100 %, not 150");
}

TEST(ConfigProblems, AnInitialBackoffAboveTheMaximumIsRefusedAgainstTheDefaultMaximum) {
  proto::Config c;
  c.mutable_poster()->set_backoff_initial_ms(120'000);  // the default maximum is 60 s
  const auto problems = config_problems(c);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "poster.backoff_initial_ms");
}

}  // namespace
}  // namespace mw::core
