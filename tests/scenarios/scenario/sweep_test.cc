// Sweeps: seed ranges and shards partition the seeds exactly; parallel runs give the same
// results as serial ones; merging shards finds runs that disagree.
#include "scenarios/scenario/sweep.h"

#include <gtest/gtest.h>

#include <set>

namespace mw::scen {
namespace {

TEST(Sweep, ReadsSeedRangesAndShards) {
  ASSERT_TRUE(parse_seed_range("3..7"));
  EXPECT_EQ(parse_seed_range("3..7")->first, 3u);
  EXPECT_EQ(parse_seed_range("3..7")->last, 7u);
  EXPECT_EQ(parse_seed_range("5")->last, 5u);
  for (const char* bad : {"", "7..3", "a..b", "1..", "..2", "1...3", "-1..2"})
    EXPECT_FALSE(parse_seed_range(bad)) << bad;
  ASSERT_TRUE(parse_shard("0/4"));
  EXPECT_EQ(parse_shard("3/4")->index, 3u);
  for (const char* bad : {"4/4", "1/0", "1", "a/2", "/2"}) EXPECT_FALSE(parse_shard(bad)) << bad;
}

TEST(Sweep, ShardsPartitionTheSeedsWithoutGapOrOverlap) {
  const SeedRange range{10, 46};
  std::multiset<std::uint64_t> all;
  for (std::uint32_t k = 0; k < 5; ++k) {
    for (std::uint64_t seed : sweep_seeds(range, Shard{k, 5})) all.insert(seed);
  }
  ASSERT_EQ(all.size(), 37u);
  std::uint64_t expected = 10;
  for (std::uint64_t seed : all) EXPECT_EQ(seed, expected++);
}

ScenarioFile small_scenario() {
  const LoadedScenario loaded = parse_scenario_text("t.textproto", R"(name: "t"
story: "A few minutes of a shift with a crash."
production: "3m"
plants { events_per_second_per_line: 1 }
faults { at: "1m" crash { node: "middleware" } }
)");
  EXPECT_TRUE(loaded.ok());
  return loaded.file;
}

TEST(Sweep, TwoJobsGiveWhatOneJobGivesInSeedOrder) {
  const ScenarioFile file = small_scenario();
  std::size_t calls = 0;
  const auto count = [&](const scenario::SeedResult&, std::size_t) { ++calls; };
  const scenario::SweepReport one = run_sweep(file, {1, 4}, {}, 1, count);
  const scenario::SweepReport two = run_sweep(file, {1, 4}, {}, 2, count);
  EXPECT_EQ(calls, 8u);
  ASSERT_EQ(one.runs_size(), 4);
  ASSERT_EQ(two.runs_size(), 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(two.runs(i).seed(), static_cast<std::uint64_t>(i + 1));
    EXPECT_EQ(one.runs(i).digest(), two.runs(i).digest());
    EXPECT_TRUE(one.runs(i).passed()) << one.runs(i).detail();
  }
}

TEST(Sweep, MergingShardsGivesTheWholeSweepAndCatchesDisagreeingRuns) {
  const ScenarioFile file = small_scenario();
  const auto ignore = [](const scenario::SeedResult&, std::size_t) {};
  const scenario::SweepReport a = run_sweep(file, {1, 3}, {0, 2}, 1, ignore);
  const scenario::SweepReport b = run_sweep(file, {1, 3}, {1, 2}, 1, ignore);
  std::vector<std::string> errors;
  const scenario::SweepReport merged = merge_sweeps({b, a}, errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(merged.runs_size(), 3);
  EXPECT_EQ(merged.runs(0).seed(), 1u);
  EXPECT_EQ(merged.runs(2).seed(), 3u);

  scenario::SweepReport tampered = a;
  tampered.mutable_runs(0)->set_digest("0000000000000000");
  merge_sweeps({a, tampered}, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("ran twice with different digests"), std::string::npos);
}

TEST(Sweep, MergeRefusesAShardThatRanAnotherConfiguration) {
  const ScenarioFile file = small_scenario();
  ScenarioFile edited = file;
  edited.scenario.mutable_erp()->set_lost_reply_probability(0.1);  // same name, other file
  const auto ignore = [](const scenario::SeedResult&, std::size_t) {};
  const scenario::SweepReport a = run_sweep(file, {1, 2}, {0, 2}, 1, ignore);
  const scenario::SweepReport b = run_sweep(edited, {1, 2}, {1, 2}, 1, ignore);
  EXPECT_NE(a.effective_configuration().find("lost_reply_probability: 0\n"), std::string::npos);
  std::vector<std::string> errors;
  const scenario::SweepReport merged = merge_sweeps({a, b}, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("ran another configuration than the first shard"), std::string::npos)
      << errors[0];
  EXPECT_EQ(merged.runs_size(), 1) << "the other configuration's runs are not merged in";
}

TEST(Sweep, SummaryGroupsFailuresAndListsReplayCommands) {
  scenario::SweepReport r;
  r.set_scenario("t");
  r.set_path("t.textproto");
  r.set_first_seed(1);
  r.set_last_seed(3);
  for (std::uint64_t seed : {1, 2, 3}) {
    scenario::SeedResult* s = r.add_runs();
    s->set_seed(seed);
    s->set_passed(seed == 2);
    if (seed != 2) {
      s->add_failed_checks("no_loss");
      s->set_detail("lost");
    }
  }
  const std::string text = format_sweep_summary(r);
  EXPECT_NE(text.find("3 runs, 1 passed, 2 failed"), std::string::npos) << text;
  EXPECT_NE(text.find("failed: no_loss (2 seeds)"), std::string::npos) << text;
  EXPECT_NE(text.find("mwsim replay t.textproto --seed 3"), std::string::npos) << text;
}

}  // namespace
}  // namespace mw::scen
