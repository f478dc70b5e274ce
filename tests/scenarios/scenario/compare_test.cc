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

// report_of builds a comparison of two designs over seeds 1..2 from their sweeps.
scenario::CompareReport report_of(const scenario::SweepReport& a, const scenario::SweepReport& b) {
  scenario::CompareReport r;
  r.set_scenario("s");
  auto* x = r.add_designs();
  x->set_name("safe");
  *x->mutable_sweep() = a;
  auto* y = r.add_designs();
  y->set_name("risky");
  y->add_differences("poster.request_timeout_ms: 10000 -> 2000");
  *y->mutable_sweep() = b;
  return r;
}

scenario::SweepReport two_passing_seeds() {
  scenario::SweepReport a;
  a.set_first_seed(1);
  a.set_last_seed(2);
  for (int i = 0; i < 2; ++i) {
    auto* run = a.add_runs();
    run->set_passed(true);
    run->mutable_figures()->set_drained(true);
  }
  return a;
}

TEST(Compare, TheTableHasAColumnPerDesignAndARowPerFailedCheck) {
  const scenario::SweepReport a = two_passing_seeds();
  scenario::SweepReport b = a;
  b.mutable_runs(1)->set_passed(false);
  b.mutable_runs(1)->add_failed_checks("sequencing");
  b.mutable_runs(1)->mutable_figures()->set_posting_latency_p99(2.5);
  const std::string table = format_comparison(report_of(a, b));
  EXPECT_NE(table.find("safe"), std::string::npos);
  EXPECT_NE(table.find("risky"), std::string::npos);
  EXPECT_NE(table.find("2/2"), std::string::npos) << table;
  EXPECT_NE(table.find("1/2"), std::string::npos) << table;
  EXPECT_NE(table.find("failed sequencing "), std::string::npos) << table;
  EXPECT_EQ(table.find("(expected)"), std::string::npos) << table;
  EXPECT_NE(table.find("2.500 s"), std::string::npos) << table;
}

TEST(Compare, SaysWhatEveryDesignIsMergedOverAndEachDesignsDifferences) {
  scenario::CompareReport r = report_of(two_passing_seeds(), two_passing_seeds());
  r.add_scenario_design("unsafe.ack_before_commit: true");
  const std::string table = format_comparison(r);
  EXPECT_NE(table.find("every design is merged over the scenario's own design"), std::string::npos)
      << table;
  EXPECT_NE(table.find("unsafe.ack_before_commit: true\n    (an unsafe setting of the "
                       "scenario: every design below keeps it)"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("design safe: the scenario's own design, unchanged"), std::string::npos);
  EXPECT_NE(table.find("design risky differs from the scenario's own design in:\n  "
                       "poster.request_timeout_ms: 10000 -> 2000"),
            std::string::npos)
      << table;
}

TEST(Compare, AFailureTheScenarioExpectsIsMarkedExpected) {
  // Both seeds of `a` failed no_loss as expected (so it is not among their failed checks); in
  // `b`, no_loss held on seed 2, which missed the expectation.
  const scenario::SweepReport a = two_passing_seeds();
  scenario::SweepReport b = a;
  b.mutable_runs(1)->set_passed(false);
  b.mutable_runs(1)->add_failed_checks("no_loss");
  scenario::CompareReport r = report_of(a, b);
  r.add_expected_failures("no_loss");
  const std::string table = format_comparison(r);
  EXPECT_NE(table.find("the scenario expects these checks to fail: no_loss"), std::string::npos)
      << table;
  EXPECT_NE(table.find("  failed no_loss (expected)                 2               1"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("  runs as expected                          2/2             1/2"),
            std::string::npos)
      << table;
}

TEST(Compare, ARunThatNeverDrainedIsNotADrainTimeOfZero) {
  const scenario::SweepReport a = two_passing_seeds();
  scenario::SweepReport b = a;
  for (auto& run : *b.mutable_runs()) run.mutable_figures()->set_drained(false);
  b.mutable_runs(0)->mutable_figures()->set_drained(true);
  b.mutable_runs(0)->mutable_figures()->set_drain_time(4);
  scenario::SweepReport c = a;
  for (auto& run : *c.mutable_runs()) run.mutable_figures()->set_drained(false);
  const std::string table = format_comparison(report_of(b, c));
  EXPECT_NE(table.find("4.000 s, 1 never"), std::string::npos) << table;
  EXPECT_NE(table.find("never drained"), std::string::npos) << table;
  const std::string drain = table.substr(table.find("  drain time"));
  EXPECT_EQ(drain.substr(0, drain.find('\n')).find("0.000 s"), std::string::npos)
      << "no drain time of 0: " << table;
}

TEST(Compare, TheP99OfEventsNoFaultTouchedIsShownBesideTheP99OfAll) {
  scenario::SweepReport a = two_passing_seeds();
  a.mutable_runs(0)->mutable_figures()->set_latency_outside_faults_p99(1.25);
  a.mutable_runs(0)->mutable_figures()->set_posting_latency_p99(30);
  const std::string table = format_comparison(report_of(a, a));
  EXPECT_NE(table.find("p99 latency, events no fault touched      1.250 s"), std::string::npos)
      << table;
  EXPECT_NE(table.find("p99 latency, all events                   30.000 s"), std::string::npos)
      << table;
}

TEST(Compare, DesignDifferencesNameEachChangedFieldWithBothValues) {
  proto::Config from, to;
  from.mutable_poster()->set_request_timeout_ms(10000);
  to.mutable_poster()->set_request_timeout_ms(2000);
  to.mutable_unsafe()->set_ack_before_commit(true);
  const std::vector<std::string> d = design_differences(from, to);
  ASSERT_EQ(d.size(), 2u) << testing::PrintToString(d);
  EXPECT_EQ(d[0], "poster.request_timeout_ms: 10000 -> 2000");
  EXPECT_EQ(d[1], "unsafe.ack_before_commit: false -> true");
  EXPECT_TRUE(design_differences(from, from).empty());
}

}  // namespace
}  // namespace mw::scen
