// End-to-end worlds whose middleware and edge disks fail I/O calls and fill up: every failed
// commit is nacked retryable, nothing not stored is acked, and everything drains once the
// disks recover.
#include <gtest/gtest.h>

#include "middleware/probes.h"
#include "tests/scenarios/world_harness.h"

namespace mw::scen::testing {
namespace {

const sim::VolumeStats& disk_of(World& world, const std::string& node) {
  sim::Simulation& sim = world.simulation();
  return sim.node(sim.network().find(node)).volume().stats();
}

std::uint64_t probe(const WorldResult& r, std::string_view name) {
  const auto it = r.probes.find(std::string(name));
  return it == r.probes.end() ? 0 : it->second;
}

TEST(WorldDiskFaults, MiddlewareDiskErrorsFailCommitsThatAreNackedRetryableAndLoseNothing) {
  ReferenceWorldOptions o;
  o.wms = true;
  o.production = sim::minutes(15);
  WorldSpec spec = small_world(21, o);
  spec.disk_faults.push_back(
      {"middleware", sim::kTimeZero + sim::minutes(3), sim::minutes(2), 0.15, std::nullopt});
  World world(spec);
  const WorldResult r = world.run();
  EXPECT_TRUE(r.held()) << r.describe();
  EXPECT_GT(disk_of(world, "middleware").io_errors, 0u);
  EXPECT_GT(probe(r, core::probes::kGroupCommitFailed), 0u) << r.describe();
  EXPECT_GT(probe(r, core::probes::kRetryableNack), 0u) << r.describe();
}

TEST(WorldDiskFaults, AFullMiddlewareDiskRefusesCommitsUntilSpaceIsFreed) {
  ReferenceWorldOptions o;
  o.wms = true;
  o.production = sim::minutes(15);
  WorldSpec spec = small_world(22, o);
  spec.disk_faults.push_back(
      {"middleware", sim::kTimeZero + sim::minutes(4), sim::minutes(3), 0, 0});
  World world(spec);
  const WorldResult r = world.run();
  EXPECT_TRUE(r.held()) << r.describe();
  EXPECT_GT(disk_of(world, "middleware").full_errors, 0u);
  EXPECT_GT(probe(r, core::probes::kGroupCommitFailed), 0u) << r.describe();
}

TEST(WorldDiskFaults, AMiddlewareRestartingOnAFailingDiskOpensOnceItCanAndResumes) {
  ReferenceWorldOptions o;
  o.wms = true;
  o.production = sim::minutes(10);
  WorldSpec spec = small_world(23, o);
  spec.disk_faults.push_back(
      {"middleware", sim::kTimeZero + sim::minutes(2), sim::minutes(2), 0.3, std::nullopt});
  spec.crashes.push_back({"middleware", sim::kTimeZero + sim::minutes(2) + sim::seconds(30),
                          sim::seconds(5), sim::CrashKind::kPowerLoss});
  World world(spec);
  const WorldResult r = world.run();
  EXPECT_TRUE(r.held()) << r.describe();
  EXPECT_EQ(r.middleware.counters.dead_lettered, 0u) << r.describe();
  EXPECT_GT(disk_of(world, "middleware").io_errors, 0u);
}

TEST(WorldDiskFaults, EdgeDisksThatFailAndFillNeverAckWhatTheyDidNotStore) {
  ReferenceWorldOptions o;
  o.edges = true;
  o.plants = 2;
  o.production = sim::minutes(15);
  WorldSpec spec = small_world(24, o);
  spec.disk_faults.push_back(
      {"edge-P100", sim::kTimeZero + sim::minutes(2), sim::minutes(4), 0.3, std::nullopt});
  spec.disk_faults.push_back({"edge-P200", sim::kTimeZero + sim::minutes(5), sim::minutes(3), 0, 0});
  spec.disk_faults.push_back(
      {"edge-P200", sim::kTimeZero + sim::minutes(6), sim::minutes(1), 0.2, std::nullopt});
  World world(spec);
  const WorldResult r = world.run();
  EXPECT_TRUE(r.held()) << r.describe();
  EXPECT_GT(disk_of(world, "edge-P100").io_errors, 0u);
  EXPECT_GT(disk_of(world, "edge-P200").full_errors, 0u);
}

TEST(WorldDiskFaults, TheSameSeedGivesTheSameDigestUnderDiskFaults) {
  ReferenceWorldOptions o;
  o.edges = true;
  o.production = sim::minutes(8);
  WorldSpec spec = small_world(25, o);
  spec.disk_faults.push_back(
      {"middleware", sim::kTimeZero + sim::minutes(2), sim::minutes(2), 0.2, 2048});
  spec.disk_faults.push_back(
      {"edge-P100", sim::kTimeZero + sim::minutes(3), sim::minutes(2), 0.2, std::nullopt});
  const WorldResult a = run_world(spec);
  const WorldResult b = run_world(spec);
  EXPECT_TRUE(a.held()) << a.describe();
  EXPECT_EQ(a.digest, b.digest);
}

}  // namespace
}  // namespace mw::scen::testing
