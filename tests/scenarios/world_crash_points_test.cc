// Crash points (FoundationDB's BUGGIFY) in a whole world: the middleware dies at named points
// of its core, recovers, and every oracle still holds; the run stays a function of its seed.
#include <gtest/gtest.h>

#include "middleware/probes.h"
#include "tests/scenarios/world_harness.h"

namespace mw::scen::testing {
namespace {

WorldSpec legacy_world_with_crash_points(std::uint64_t seed) {
  ReferenceWorldOptions o;
  o.wms = true;
  o.production = sim::minutes(10);
  WorldSpec spec = small_world(seed, o);
  spec.erp.flavor = fakes::ErpFlavor::kLegacy;
  spec.erp.lost_reply_probability = 0.05;
  spec.design.mutable_poster()->set_erp_honours_idempotency_keys(false);
  spec.crash_points.enabled = true;
  spec.crash_points.enable_probability = 1;
  spec.crash_points.fire_probability = 1;
  spec.crash_points.power_loss_probability = 0.5;
  spec.crash_points.max_crashes = 4;
  spec.crash_points.downtime = sim::seconds(5);
  return spec;
}

std::uint64_t fired_total(const WorldResult& r) {
  std::uint64_t n = 0;
  for (const auto& [point, times] : r.crash_points_fired) n += times;
  return n;
}

TEST(WorldCrashPoints, EveryPointAtProbabilityOneUsesEveryCrashAllowedAndKeepsEveryOracle) {
  const WorldResult r = run_world(legacy_world_with_crash_points(21));
  EXPECT_TRUE(r.held()) << r.describe();
  EXPECT_EQ(fired_total(r), 4u) << "fire probability 1: every crash allowed is used";
  EXPECT_EQ(r.middleware_lives, 5u);
  for (const auto& [point, times] : r.crash_points_fired)
    EXPECT_TRUE(core::probes::is_crash_point(point)) << point;
}

TEST(WorldCrashPoints, CrashRightAfterAnErpRequestIsRecoveredAndReconciled) {
  WorldSpec spec = legacy_world_with_crash_points(24);
  spec.crash_points.points = {std::string(core::probes::kAfterErpRequestSent)};
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(r.held()) << r.describe();
  ASSERT_EQ(r.crash_points_fired.size(), 1u);
  EXPECT_EQ(r.crash_points_fired.begin()->second, 4u);
  // Each crash left the command it had just sent queued; the next life finds it and, on an
  // ERP without idempotency keys, asks the ERP before sending it again.
  const auto times = [&](std::string_view probe) {
    const auto it = r.probes.find(std::string(probe));
    return it == r.probes.end() ? 0u : it->second;
  };
  EXPECT_EQ(times(core::probes::kRecoveredQueuedWork), 4u);
  EXPECT_GE(times(core::probes::kReconcileFound) + times(core::probes::kReconcileNotFound), 4u);
}

TEST(WorldCrashPoints, OnlyTheListedPointFiresAndTheSameSeedGivesTheSameDigest) {
  WorldSpec spec = legacy_world_with_crash_points(22);
  spec.crash_points.points = {std::string(core::probes::kBeforePostedMarkCommits)};
  const WorldResult a = run_world(spec);
  const WorldResult b = run_world(spec);
  EXPECT_TRUE(a.held()) << a.describe();
  ASSERT_EQ(a.crash_points_fired.size(), 1u);
  EXPECT_EQ(a.crash_points_fired.begin()->first, core::probes::kBeforePostedMarkCommits);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.probes, b.probes);
}

TEST(WorldCrashPoints, CrashPointsOffChangeNothingButProbesAreStillCounted) {
  WorldSpec spec = legacy_world_with_crash_points(23);
  spec.crash_points = {};
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(r.held()) << r.describe();
  EXPECT_TRUE(r.crash_points_fired.empty());
  EXPECT_EQ(r.middleware_lives, 1u);
  // Lost replies on a legacy ERP: timeouts, then reconciliations that find the posting.
  EXPECT_GT(r.probes.count(std::string(core::probes::kReconcileFound)), 0u) << r.describe();
}

}  // namespace
}  // namespace mw::scen::testing
