// shrink: faults that do not matter go, the failure stays, and a passing run is not shrunk.
#include "scenarios/scenario/shrink.h"

#include <gtest/gtest.h>

#include "scenarios/scenario/scenario_run.h"
#include "scenarios/scenario/scenario_world.h"

namespace mw::scen {
namespace {

constexpr const char* kFailing = R"(name: "shrinkme"
story: "Parallel postings per key under an ERP with variable latency, plus unrelated faults."
production: "10m"
plants { events_per_second_per_line: 1 duplicate_probability: 0.1 }
plants { events_per_second_per_line: 0.5 }
erp { latency_sigma: 1.5 internal_error_probability: 0.01 }
faults { at: "2m" duration: "3m" erp_outage {} }
faults { at: "8m" duration: "20s" crash { node: "middleware" } }
design { unsafe { max_in_flight_per_key: 8 } }
)";

TEST(Shrink, RemovesWhatDoesNotMatterAndKeepsTheFailure) {
  const LoadedScenario loaded = parse_scenario_text("s.textproto", kFailing);
  ASSERT_TRUE(loaded.ok());
  const ShrinkResult r = shrink(loaded.file, 3, 60, [](const std::string&) {});
  ASSERT_TRUE(r.failed_at_start);
  EXPECT_EQ(r.check, "sequencing");
  EXPECT_EQ(r.minimal.faults_size(), 0)
      << "neither fault is needed for parallel postings to reorder";
  EXPECT_EQ(r.minimal.plants_size(), 1);
  EXPECT_LE(r.runs, 60);

  ScenarioFile shrunk;
  shrunk.scenario = r.minimal;
  const BuiltWorld built = build_world(shrunk, 3);
  ASSERT_TRUE(built.ok());
  const ScenarioRun run = run_scenario(shrunk, built);
  EXPECT_FALSE(run.passed()) << "the shrunk scenario still fails";
  const std::string text = shrunk_text(r, "s.textproto", 3);
  EXPECT_NE(text.find("# Shrunk by `mwsim shrink s.textproto --seed 3`"), std::string::npos);
  EXPECT_TRUE(parse_scenario_text("shrunk.textproto", text).ok()) << "the written file loads again";
}

TEST(Shrink, DropsDiskFaultsThatDoNotMatter) {
  const std::string text = std::string(kFailing) +
                           "faults { at: \"1m\" duration: \"1m\" disk_errors { node: "
                           "\"middleware\" probability: 0.05 } }\n"
                           "faults { at: \"4m\" duration: \"1m\" disk_full { node: "
                           "\"middleware\" } }\n";
  const LoadedScenario loaded = parse_scenario_text("s.textproto", text);
  ASSERT_TRUE(loaded.ok());
  const ShrinkResult r = shrink(loaded.file, 3, 60, [](const std::string&) {});
  ASSERT_TRUE(r.failed_at_start);
  EXPECT_EQ(r.minimal.faults_size(), 0) << "no disk fault is needed for the reordering";
}

TEST(Shrink, TurnsRandomCrashesIntoTheFewScheduledOnesThatMatterAndWritesTheFailingSeed) {
  const LoadedScenario loaded = parse_scenario_text("s.textproto", R"(name: "acked_then_lost"
story: "Acked before stored, under random middleware crashes."
seed: 1
production: "20m"
plants { events_per_second_per_line: 1 }
random_faults { middleware_mean_up: "1m" middleware_mean_down: "5s" }
design { unsafe { ack_before_commit: true } }
)");
  ASSERT_TRUE(loaded.ok());
  const ShrinkResult r = shrink(loaded.file, 21, 120, [](const std::string&) {});
  ASSERT_TRUE(r.failed_at_start);
  EXPECT_FALSE(r.minimal.has_random_faults()) << "the random process became scheduled crashes";
  EXPECT_GE(r.minimal.faults_size(), 1);
  EXPECT_LE(r.faults_left, 2);
  for (const auto& f : r.minimal.faults()) EXPECT_EQ(f.crash().node(), "middleware");
  EXPECT_EQ(r.minimal.seed(), 21u) << "the minimal file carries the seed that fails";

  // The file alone, run with its own seed, fails the same check.
  const LoadedScenario again =
      parse_scenario_text("minimal.textproto", shrunk_text(r, "s.textproto", 21));
  ASSERT_TRUE(again.ok()) << testing::PrintToString(again.errors);
  const BuiltWorld built = build_world(again.file);
  ASSERT_TRUE(built.ok()) << testing::PrintToString(built.errors);
  const ScenarioRun run = run_scenario(again.file, built);
  EXPECT_FALSE(run.passed());
  bool same_check_failed = false;
  for (const Check& c : run.checks) same_check_failed |= (c.name == r.check && !c.passed);
  EXPECT_TRUE(same_check_failed) << r.check;
}

TEST(Shrink, DropsOneEmissionFaultAndKeepsItsNeighbourThatCausesTheFailure) {
  const LoadedScenario loaded = parse_scenario_text("s.textproto", R"(name: "dup_posts_twice"
story: "Duplicates with dedup off post twice; reordering and malformed events are beside the point."
production: "5m"
plants { duplicate_probability: 0.2 reorder_probability: 0.3 malformed_probability: 0.05 }
design { unsafe { dedup_disabled: true } }
)");
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
  const ShrinkResult r = shrink(loaded.file, 4, 60, [](const std::string&) {});
  ASSERT_TRUE(r.failed_at_start);
  EXPECT_GT(r.minimal.plants(0).duplicate_probability(), 0) << "the duplicates are the cause";
  EXPECT_EQ(r.minimal.plants(0).malformed_probability(), 0)
      << "gone on its own, though the plant's other emission faults had to stay";
  EXPECT_EQ(r.faults_left, r.faults_at_start - 1) << testing::PrintToString(r.kept);
}

TEST(Shrink, APassingRunIsNotShrunk) {
  const LoadedScenario loaded = parse_scenario_text("s.textproto", R"(name: "fine"
story: "A short clean shift."
production: "2m"
plants {}
)");
  ASSERT_TRUE(loaded.ok());
  const ShrinkResult r = shrink(loaded.file, 1, 10, [](const std::string&) {});
  EXPECT_FALSE(r.failed_at_start);
  EXPECT_EQ(r.runs, 1);
}

}  // namespace
}  // namespace mw::scen
