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
    const SeedList shard{range, Shard{k, 5}};
    for (std::uint64_t i = 0; i < shard.size(); ++i) all.insert(shard.at(i));
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

// Shards 0/2 and 1/2 of seeds 1..3 of the small scenario, run once for every merge test.
const scenario::SweepReport& shard_of_three(std::uint32_t k) {
  static const auto ignore = [](const scenario::SeedResult&, std::size_t) {};
  static const scenario::SweepReport shards[2] = {
      run_sweep(small_scenario(), {1, 3}, {0, 2}, 1, ignore),
      run_sweep(small_scenario(), {1, 3}, {1, 2}, 1, ignore)};
  return shards[k];
}

// merge_error merges `parts` and returns the errors joined, "" when it merged.
std::string merge_error(const std::vector<scenario::SweepReport>& parts) {
  std::vector<std::string> errors;
  merge_sweeps(parts, errors);
  std::string all;
  for (const std::string& e : errors) all += e + "\n";
  return all;
}

TEST(SweepMerge, EveryShardOnceInAnyOrderGivesTheWholeSweep) {
  std::vector<std::string> errors;
  const scenario::SweepReport merged = merge_sweeps({shard_of_three(1), shard_of_three(0)}, errors);
  EXPECT_TRUE(errors.empty()) << errors.front();
  ASSERT_EQ(merged.runs_size(), 3);
  EXPECT_EQ(merged.runs(0).seed(), 1u);
  EXPECT_EQ(merged.runs(2).seed(), 3u);
  EXPECT_EQ(merged.shard_count(), 1u);
  EXPECT_EQ(merged.scenario_digest(), shard_of_three(0).scenario_digest());
  EXPECT_FALSE(merged.mwsim_version().empty());
}

TEST(SweepMerge, RefusesAMissingShard) {
  EXPECT_NE(merge_error({shard_of_three(0)}).find("1 of 2 shards are missing (shard 1)"),
            std::string::npos);
}

TEST(SweepMerge, RefusesTheSameShardTwice) {
  const std::string e = merge_error({shard_of_three(0), shard_of_three(0), shard_of_three(1)});
  EXPECT_NE(e.find("is shard 0 again"), std::string::npos) << e;
}

TEST(SweepMerge, RefusesAShardWithASeedLeftOut) {
  scenario::SweepReport cut = shard_of_three(0);
  cut.mutable_runs()->RemoveLast();
  const std::string e = merge_error({cut, shard_of_three(1)});
  EXPECT_NE(e.find("holds 1 runs, not the 2 seeds of its shard"), std::string::npos) << e;
}

TEST(SweepMerge, RefusesAShardOfAnEditedScenarioWithTheSameName) {
  ScenarioFile edited = small_scenario();
  edited.scenario.mutable_erp()->set_lost_reply_probability(0.1);
  const auto ignore = [](const scenario::SeedResult&, std::size_t) {};
  const scenario::SweepReport other = run_sweep(edited, {1, 3}, {1, 2}, 1, ignore);
  const std::string e = merge_error({shard_of_three(0), other});
  EXPECT_NE(e.find("another scenario file with the same name"), std::string::npos) << e;
}

TEST(SweepMerge, RefusesShardsOfAnotherSeedRange) {
  scenario::SweepReport other = shard_of_three(1);
  other.set_last_seed(4);
  const std::string e = merge_error({shard_of_three(0), other});
  EXPECT_NE(e.find("seeds 1..4, not 1..3"), std::string::npos) << e;
}

TEST(SweepMerge, RefusesAShardOfAnotherBuild) {
  scenario::SweepReport other = shard_of_three(1);
  other.set_mwsim_version("0.0.1 0000000");
  const std::string e = merge_error({shard_of_three(0), other});
  EXPECT_NE(e.find("another mwsim (0.0.1 0000000"), std::string::npos) << e;
}

TEST(SweepMerge, RefusesAReportWithoutRunIdentity) {
  scenario::SweepReport old = shard_of_three(0);
  old.clear_mwsim_version();
  EXPECT_NE(merge_error({old, shard_of_three(1)}).find("carries no run identity"),
            std::string::npos);
}

TEST(SweepSeeds, ABillionSeedsAreCountedWithoutListingThem) {
  const SeedList seeds{{1, 1'000'000'000}, {3, 4}};
  EXPECT_EQ(seeds.size(), 250'000'000u);
  EXPECT_EQ(seeds.at(0), 4u);
  EXPECT_EQ(seeds.at(seeds.size() - 1), 1'000'000'000u);
  EXPECT_EQ((SeedList{{0, UINT64_MAX}, {}}).size(), UINT64_MAX) << "saturates, no overflow";
  EXPECT_EQ((SeedList{{5, 6}, {3, 4}}).size(), 0u) << "a shard past the range is empty";
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
