// compare: designs load from files with located errors; the table has a column per design.
#include "scenarios/scenario/compare.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace mw::scen {
namespace {

TEST(Compare, EveryShippedDesignLoads) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(MWSIM_DESIGNS_DIR)) {
    Design d;
    std::vector<std::string> errors;
    EXPECT_TRUE(load_design(e.path().string(), "", d, errors)) << testing::PrintToString(errors);
    ++n;
  }
  EXPECT_GE(n, 5);
  Design d;
  std::vector<std::string> errors;
  ASSERT_TRUE(load_design("skip_gaps", MWSIM_DESIGNS_DIR, d, errors));
  EXPECT_EQ(d.name, "skip_gaps");
  EXPECT_EQ(d.config.sequencer().gap_policy(), proto::SKIP);
}

TEST(Compare, ABadDesignFileIsReportedWithItsPlace) {
  const std::string path = ::testing::TempDir() + "/bad_design.textproto";
  std::ofstream(path) << "poster {\n  request_timeout: 5\n}\n";
  Design d;
  std::vector<std::string> errors;
  EXPECT_FALSE(load_design(path, "", d, errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind(path + ":2:", 0), 0u) << errors[0];
  EXPECT_FALSE(load_design("no_such_design", MWSIM_DESIGNS_DIR, d, errors));
}

TEST(Compare, TheTableHasAColumnPerDesignAndARowPerFailedCheck) {
  scenario::SweepReport a;
  a.set_first_seed(1);
  a.set_last_seed(2);
  for (int i = 0; i < 2; ++i) a.add_runs()->set_passed(true);
  scenario::SweepReport b = a;
  b.mutable_runs(1)->set_passed(false);
  b.mutable_runs(1)->add_failed_checks("sequencing");
  b.mutable_runs(1)->mutable_figures()->set_posting_latency_p99(2.5);
  const std::string table = format_comparison("s", {{"safe", a}, {"risky", b}});
  EXPECT_NE(table.find("safe"), std::string::npos);
  EXPECT_NE(table.find("risky"), std::string::npos);
  EXPECT_NE(table.find("2/2"), std::string::npos) << table;
  EXPECT_NE(table.find("1/2"), std::string::npos) << table;
  EXPECT_NE(table.find("failed sequencing"), std::string::npos) << table;
  EXPECT_NE(table.find("2.500 s"), std::string::npos) << table;
}

}  // namespace
}  // namespace mw::scen
