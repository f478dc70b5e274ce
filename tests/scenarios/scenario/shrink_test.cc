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

// fails_alone writes the result as a file, loads it and runs it with its own seed; it returns
// whether the check the shrink kept failing fails again.
bool fails_alone(const ShrinkResult& r, std::uint64_t seed) {
  const LoadedScenario again =
      parse_scenario_text("minimal.textproto", shrunk_text(r, "s.textproto", seed));
  EXPECT_TRUE(again.ok()) << testing::PrintToString(again.errors);
  if (!again.ok()) return false;
  const BuiltWorld built = build_world(again.file);
  EXPECT_TRUE(built.ok()) << testing::PrintToString(built.errors);
  if (!built.ok()) return false;
  const ScenarioRun run = run_scenario(again.file, built);
  for (const Check& c : run.checks) {
    if (c.name == r.check && !c.passed) return true;
  }
  return false;
}

// A legacy ERP (no idempotency keys) and a poster that retries without asking it first: a
// reply lost because the link went down after the ERP committed is a posting made twice.
constexpr const char* kBlindRetries =
    R"(story: "Blind retries against a legacy ERP while the network fails at random."
production: "10m"
plants { events_per_second_per_line: 1 }
erp { flavor: LEGACY }
design {
  poster { erp_honours_idempotency_keys: false }
  unsafe { retry_without_reconciliation: true }
}
)";

TEST(Shrink, TurnsRandomLinkOutagesIntoTheFewScheduledOnesThatMatterAndTheFileFailsAlone) {
  const LoadedScenario loaded = parse_scenario_text(
      "s.textproto", std::string("name: \"outages\"\n") + kBlindRetries +
                         "network { default_link { outage_mean_up: \"2m\" outage_mean_down: "
                         "\"10s\" } }\n");
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
  constexpr std::uint64_t kSeed = 1;
  const ShrinkResult r = shrink(loaded.file, kSeed, 120, [](const std::string&) {});
  ASSERT_TRUE(r.failed_at_start);
  EXPECT_EQ(r.check, "exactly_once");
  ASSERT_FALSE(r.kept.empty());
  EXPECT_EQ(r.kept.front().rfind("turn the random link outages into the ", 0), 0u)
      << testing::PrintToString(r.kept);
  EXPECT_TRUE(r.minimal.network().default_link().outage_mean_up().empty())
      << "no random outage process is left";
  ASSERT_GE(r.minimal.faults_size(), 1);
  EXPECT_LE(r.faults_left, 2);
  for (const auto& f : r.minimal.faults()) {
    ASSERT_TRUE(f.has_link_outage());
    EXPECT_EQ(f.link_outage().a(), "middleware") << "the outage that matters cuts the ERP off";
    EXPECT_EQ(f.link_outage().b(), "erp");
  }
  EXPECT_EQ(r.minimal.seed(), kSeed);
  EXPECT_TRUE(fails_alone(r, kSeed)) << r.check;
}

TEST(Shrink, TurnsRandomPartitionsIntoTheFewScheduledIsolationsThatMatterAndTheFileFailsAlone) {
  const LoadedScenario loaded = parse_scenario_text(
      "s.textproto", std::string("name: \"partitions\"\n") + kBlindRetries +
                         "network { partition_mean_interval: \"1m\" partition_mean_duration: "
                         "\"10s\" }\n");
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
  constexpr std::uint64_t kSeed = 2;
  const ShrinkResult r = shrink(loaded.file, kSeed, 120, [](const std::string&) {});
  ASSERT_TRUE(r.failed_at_start);
  EXPECT_EQ(r.check, "exactly_once");
  ASSERT_FALSE(r.kept.empty());
  EXPECT_EQ(r.kept.front().rfind("turn the random partitions into the ", 0), 0u)
      << testing::PrintToString(r.kept);
  EXPECT_TRUE(r.minimal.network().partition_mean_interval().empty())
      << "no random partition process is left";
  ASSERT_GE(r.minimal.faults_size(), 1);
  EXPECT_LE(r.faults_left, 2);
  for (const auto& f : r.minimal.faults()) {
    ASSERT_TRUE(f.has_isolation());
    EXPECT_TRUE(f.isolation().node() == "erp" || f.isolation().node() == "middleware")
        << f.isolation().node();
  }
  EXPECT_EQ(r.minimal.seed(), kSeed);
  EXPECT_TRUE(fails_alone(r, kSeed)) << r.check;
}

TEST(Shrink, KeepsOnlyTheFamilyThatMattersFirstAndTheFileFailsAloneAtTheSeedItCarries) {
  const LoadedScenario loaded = parse_scenario_text(
      "s.textproto",
      std::string("name: \"mixed\"\n") + kBlindRetries +
          "network { default_link { outage_mean_up: \"2m\" outage_mean_down: \"10s\" } }\n"
          "plants { duplicate_probability: 0.1 reorder_probability: 0.1 }\n"
          "faults { at: \"3m\" duration: \"30s\" crash { node: \"middleware\" } }\n"
          "faults { at: \"6m\" duration: \"1m\" erp_outage {} }\n");
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
  const ShrinkResult r = shrink(loaded.file, 1, 120, [](const std::string&) {});
  ASSERT_TRUE(r.failed_at_start);
  EXPECT_EQ(r.check, "exactly_once");
  ASSERT_FALSE(r.kept.empty());
  EXPECT_EQ(r.kept.front().rfind("keep only the link faults", 0), 0u)
      << "blind retries post twice when a reply is lost; the link outages are what loses it: "
      << testing::PrintToString(r.kept);
  EXPECT_LE(r.faults_left, 2) << testing::PrintToString(r.kept);
  EXPECT_TRUE(fails_alone(r, 1)) << "the file fails alone with the seed it carries, "
                                 << r.minimal.seed();
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
