// The edge on a disk that fails I/O calls and fills up: it acks to the MES only what it stored
// durably, so power losses between the faults lose nothing acked, and it drains once the disk
// recovers.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/fakes/edge/edge_harness.h"

namespace mw::fakes {
namespace {

using testing::EdgeWorld;
using testing::exact_network;
using testing::test_config;

TEST(EdgeDiskErrors, AFailingDiskNacksEveryEventRetryableAndAcksNothing) {
  EdgeWorld w;
  w.start();
  w.run_for(sim::milliseconds(10));
  w.edge_volume().set_io_error_probability(1.0);
  w.emit(testing::events("ev-", 3));
  w.run_for(sim::milliseconds(50));
  EXPECT_TRUE(w.mes_state.acked.empty());
  EXPECT_GT(w.book.stats().refused, 0u);
  EXPECT_GT(w.edge_volume().stats().io_errors, 0u);
  w.edge_volume().set_io_error_probability(0.0);
  w.run_for(sim::seconds(15));  // the store reopens, the MES resends, the edge forwards
  EXPECT_EQ(w.mes_state.acked.size(), 3u);
  EXPECT_EQ(w.mw_state.seen.size(), 3u);
}

TEST(EdgeDiskErrors, AFullDiskRefusesNewEventsUntilSpaceIsFreed) {
  EdgeWorld w;
  w.start();
  w.emit(testing::events("a-", 2));
  w.run_for(sim::seconds(1));
  ASSERT_EQ(w.mes_state.acked.size(), 2u);
  w.edge_volume().set_quota_bytes(w.edge_volume().used_bytes());
  // The events the middleware settles free pages, but a backlog this size needs new ones.
  for (int i = 0; i < 20; ++i) w.emit(testing::events("b" + std::to_string(i) + "-", 20));
  w.run_for(sim::seconds(1));
  EXPECT_GT(w.edge_volume().stats().full_errors, 0u);
  const std::size_t acked_while_full = w.mes_state.acked.size();
  w.power_loss(sim::seconds(1));  // whatever was acked while full must be on the disk
  w.edge_volume().set_quota_bytes(std::nullopt);
  w.run_for(sim::seconds(30));
  EXPECT_GE(w.mes_state.acked.size(), acked_while_full);
  for (const std::string& id : w.mes_state.acked) {
    EXPECT_TRUE(w.mw_state.seen.count(id) > 0) << id << " was acked to the MES and never arrived";
  }
  EXPECT_EQ(w.mw_state.seen.size(), 402u);
}

// run_with_disk_errors runs one seed: the MES emits 1..8 events every 50 ms for 20 s while the
// edge's disk fails calls at a drawn rate, is full for a while and loses power 3 times.
void run_with_disk_errors(std::uint64_t seed, std::uint64_t* errors, std::uint64_t* full) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  EdgeConfig config = test_config();
  config.max_batch_events = 16;
  config.resend_after = sim::seconds(2);
  EdgeWorld w(config, exact_network(seed), /*mes_resends=*/true);
  w.start();
  sim::Rng rng = sim::Rng(seed).fork("test/disk_errors");
  const double rate = static_cast<double>(1 + rng.uniform(300)) / 1000.0;
  const sim::Time errors_from = sim::kTimeZero + sim::milliseconds(rng.uniform(5'000));
  const sim::Time errors_to = errors_from + sim::milliseconds(1'000 + rng.uniform(10'000));
  const sim::Time full_from = sim::kTimeZero + sim::milliseconds(rng.uniform(15'000));
  const sim::Time full_to = full_from + sim::milliseconds(500 + rng.uniform(4'000));
  std::vector<sim::Time> losses;
  for (int i = 0; i < 3; ++i) losses.push_back(sim::kTimeZero + sim::milliseconds(rng.uniform(20'000)));
  std::set<std::string> emitted;
  int n = 0;
  const sim::Time end = sim::kTimeZero + sim::seconds(20);
  for (sim::Time t = sim::kTimeZero + sim::milliseconds(1); t < end; t += sim::milliseconds(1)) {
    w.run_until(t);
    sim::Volume& disk = w.edge_volume();
    disk.set_io_error_probability(t >= errors_from && t < errors_to ? rate : 0.0);
    if (t == full_from) disk.set_quota_bytes(disk.used_bytes());
    if (t == full_to) disk.set_quota_bytes(std::nullopt);
    for (sim::Time loss : losses) {
      if (t == loss && w.sim.is_up(w.edge)) {
        w.sim.schedule_crash(w.edge, t, sim::milliseconds(100 + rng.uniform(2'000)),
                             sim::CrashKind::kPowerLoss);
      }
    }
    if ((t - sim::kTimeZero) % sim::milliseconds(50) == sim::Duration::zero()) {
      std::vector<proto::SourceEvent> batch;
      const std::uint64_t k = 1 + rng.uniform(8);
      for (std::uint64_t i = 0; i < k; ++i) {
        ++n;
        batch.push_back(
            testing::canonical_event("ev-" + std::to_string(n), static_cast<std::uint64_t>(n)));
        emitted.insert("ev-" + std::to_string(n));
      }
      w.emit(batch);
    }
  }
  w.edge_volume().set_io_error_probability(0.0);
  w.edge_volume().set_quota_bytes(std::nullopt);
  w.run_for(sim::seconds(60));
  *errors += w.edge_volume().stats().io_errors;
  *full += w.edge_volume().stats().full_errors;
  ASSERT_TRUE(w.sim.is_up(w.edge));
  for (const std::string& id : w.mes_state.acked) {
    ASSERT_TRUE(w.mw_state.seen.count(id) > 0) << id << " was acked to the MES and never arrived";
  }
  EXPECT_EQ(w.mw_state.seen, emitted);
  EXPECT_TRUE(w.mes_state.pending.empty());
  EXPECT_EQ(w.edge_process()->backlog(), 0u);
}

TEST(EdgeDiskErrors, ErrorsFullDisksAndPowerLossesNeverLoseAnAckedEventOverManySeeds) {
  std::uint64_t errors = 0;
  std::uint64_t full = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    run_with_disk_errors(seed, &errors, &full);
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_GT(errors, 100u);
  EXPECT_GT(full, 10u);
}

}  // namespace
}  // namespace mw::fakes
