// The simulated quality system: scheduled and random lot status changes, their events and ground
// truth, at-least-once delivery, crashes and catch-up, determinism, garbage, and the config.
// Every test runs a "quality" node and a scripted "middleware" node on a 1 ms network.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "sim/trace.h"
#include "tests/fakes/quality/quality_harness.h"

namespace mw::fakes {
namespace {

using namespace mw::fakes::testing;

using proto::LOT_STATUS_BLOCKED;
using proto::LOT_STATUS_QUALITY_HOLD;
using proto::LOT_STATUS_RELEASED;

TEST(QualityFake, EmitsScheduledHoldsAndReleasesInOrderPerLotWithSequencesOneToN) {
  QualityConfig c;
  c.schedule = {action(sim::seconds(1), "L1", LOT_STATUS_QUALITY_HOLD, "pH out of range"),
                action(sim::seconds(2), "L2", LOT_STATUS_QUALITY_HOLD),
                action(sim::seconds(3), "L1", LOT_STATUS_RELEASED),
                action(sim::seconds(3), "L1", LOT_STATUS_BLOCKED),  // same time: schedule order
                action(sim::seconds(5), "L2", LOT_STATUS_RELEASED)};
  QualityWorld w(c);
  w.start();
  w.run_for(sim::seconds(10));

  std::map<std::string, std::vector<std::pair<std::uint64_t, proto::LotStatus>>> by_key;
  for (const proto::EventEnvelope& e : w.script.distinct()) {
    by_key[e.ordering_key()].emplace_back(e.source_sequence(), e.lot_status_changed().status());
  }
  using Seq = std::vector<std::pair<std::uint64_t, proto::LotStatus>>;
  EXPECT_EQ(by_key["lot:P100/RM-100/L1"],
            (Seq{{1, LOT_STATUS_QUALITY_HOLD}, {2, LOT_STATUS_RELEASED}, {3, LOT_STATUS_BLOCKED}}));
  EXPECT_EQ(by_key["lot:P100/RM-100/L2"],
            (Seq{{1, LOT_STATUS_QUALITY_HOLD}, {2, LOT_STATUS_RELEASED}}));
  EXPECT_EQ(by_key.size(), 2u);

  const proto::EventEnvelope first = w.script.distinct()[0];
  EXPECT_EQ(first.event_id(), "quality:lot:P100/RM-100/L1:1");
  EXPECT_EQ(first.event_type(), proto::LOT_STATUS_CHANGED);
  EXPECT_EQ(first.source().plant(), "P100");
  EXPECT_EQ(first.source().system(), "quality");
  EXPECT_EQ(first.schema_version(), 1u);
  EXPECT_EQ(first.occurred_at_ns(), kDefaultEpochUnixNs + 1'000'000'000);
  EXPECT_EQ(first.posting_date(), "2026-01-05");
  EXPECT_EQ(first.lot_status_changed().material(), "RM-100");
  EXPECT_EQ(first.lot_status_changed().lot(), "L1");
  EXPECT_EQ(first.lot_status_changed().reason(), "pH out of range");

  ASSERT_EQ(w.log.size(), 5u);
  for (const EmittedEvent& e : w.log.events()) {
    EXPECT_EQ(e.type, proto::LOT_STATUS_CHANGED);
    EXPECT_EQ(e.source, "quality");
    EXPECT_TRUE(e.effects.empty());
  }
  EXPECT_EQ(w.log.events()[3].source_sequence, 3u);
  EXPECT_EQ(w.state.believed_status(lot("L1")), LOT_STATUS_BLOCKED);
  EXPECT_EQ(w.state.believed_status(lot("L2")), LOT_STATUS_RELEASED);
  EXPECT_EQ(w.state.believed_status(lot("L9")), LOT_STATUS_RELEASED);
  EXPECT_EQ(w.stats().scheduled, 5u);
  EXPECT_EQ(w.stats().late, 0u);
  EXPECT_TRUE(w.state.outbox().empty());
}

TEST(QualityFake, IsResentUntilAcknowledgedAndARejectionKeepsTheReason) {
  QualityConfig c;
  c.schedule = {action(sim::seconds(1), "L1", LOT_STATUS_QUALITY_HOLD),
                action(sim::seconds(1), "L2", LOT_STATUS_QUALITY_HOLD)};
  QualityWorld w(c);
  w.script.ack_events = false;
  w.script.reject["quality:lot:P100/RM-100/L2:1"] = "validation: lot unknown";
  w.start();
  w.run_for(sim::seconds(12));
  EXPECT_EQ(w.script.copies_of("quality:lot:P100/RM-100/L1:1"), 3u);
  EXPECT_EQ(w.script.copies_of("quality:lot:P100/RM-100/L2:1"), 1u) << "rejected: not resent";
  ASSERT_EQ(w.state.outbox().rejections().size(), 1u);
  EXPECT_EQ(w.state.outbox().rejections().at("quality:lot:P100/RM-100/L2:1"),
            "validation: lot unknown");
  w.script.ack_events = true;
  w.run_for(sim::seconds(10));
  EXPECT_TRUE(w.state.outbox().empty());
  EXPECT_EQ(w.log.size(), 2u);
}

TEST(QualityFake, GarbageIsCountedTracedAndIgnored) {
  QualityConfig c;
  c.schedule = {action(sim::seconds(1), "L1", LOT_STATUS_QUALITY_HOLD)};
  QualityWorld w(c);
  sim::MemoryTraceSink sink;
  w.sim.tracer().set_sink(&sink);
  w.start();
  w.send_bytes(std::string("\xff\xfe garbage", 10));
  proto::Frame notification;
  notification.mutable_notification()->set_notification_id("n-1");
  w.send_bytes(notification.SerializeAsString());
  w.run_for(sim::seconds(2));
  EXPECT_EQ(w.stats().garbage, 2u);
  std::size_t traced = 0;
  for (const std::string& line : sink.lines()) {
    traced += line.find(" quality.garbage ") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(traced, 2u);
  w.sim.tracer().set_sink(nullptr);
  EXPECT_EQ(w.script.distinct().size(), 1u) << "still working";
  EXPECT_TRUE(w.state.outbox().empty());
}

TEST(QualityCrash, RestartCatchesUpActionsDueWhileDownWithTheirIntendedTime) {
  QualityConfig c;
  c.schedule = {action(sim::seconds(1), "L1", LOT_STATUS_QUALITY_HOLD),
                action(sim::seconds(5), "L2", LOT_STATUS_QUALITY_HOLD),
                action(sim::seconds(6), "L1", LOT_STATUS_RELEASED),
                action(sim::seconds(9), "L2", LOT_STATUS_RELEASED)};
  QualityWorld w(c);
  sim::MemoryTraceSink sink;
  w.sim.tracer().set_sink(&sink);
  w.start();
  w.sim.schedule_crash(w.quality, sim::kTimeZero + sim::seconds(4), sim::seconds(4),
                       sim::CrashKind::kProcessCrash);
  w.run_for(sim::seconds(7));
  EXPECT_EQ(w.state.emitted().size(), 1u) << "paused while down";
  w.run_for(sim::seconds(8));
  w.sim.tracer().set_sink(nullptr);

  const auto& e = w.state.emitted();
  ASSERT_EQ(e.size(), 4u);
  const sim::Time t0 = sim::kTimeZero;
  using Row = std::tuple<std::string, proto::LotStatus, sim::Time, sim::Time>;
  auto row = [](const QualityEmission& q) {
    return Row{q.lot.lot, q.status, q.intended_at, q.emitted_at};
  };
  EXPECT_EQ(row(e[0]),
            (Row{"L1", LOT_STATUS_QUALITY_HOLD, t0 + sim::seconds(1), t0 + sim::seconds(1)}));
  EXPECT_EQ(row(e[1]),
            (Row{"L2", LOT_STATUS_QUALITY_HOLD, t0 + sim::seconds(5), t0 + sim::seconds(8)}));
  EXPECT_EQ(row(e[2]),
            (Row{"L1", LOT_STATUS_RELEASED, t0 + sim::seconds(6), t0 + sim::seconds(8)}));
  EXPECT_EQ(row(e[3]),
            (Row{"L2", LOT_STATUS_RELEASED, t0 + sim::seconds(9), t0 + sim::seconds(9)}));
  EXPECT_EQ(w.stats().late, 2u);

  bool traced_late = false;
  for (const std::string& line : sink.lines()) {
    if (line.find(" quality.status ") != std::string::npos &&
        line.find("event=quality:lot:P100/RM-100/L2:1") != std::string::npos) {
      traced_late = line.rfind("00:00:08.000000000 ", 0) == 0 &&
                    line.find("intended=00:00:05.000000000") != std::string::npos &&
                    line.find("late=1") != std::string::npos;
    }
  }
  EXPECT_TRUE(traced_late);
  EXPECT_EQ(w.script.distinct().size(), 4u);
  EXPECT_TRUE(w.state.outbox().empty());
}

QualityConfig random_config() {
  QualityConfig c;
  c.random.lots = {lot("L1"), lot("L2"), lot("L3"), lot("L4")};
  c.random.mean_time_between_holds = sim::minutes(2);
  c.random.hold_median = sim::minutes(5);
  c.random.hold_sigma = 0.5;
  c.random.hold_max = sim::hours(1);
  c.random.block_probability = 0.2;
  c.random.until = sim::kTimeZero + sim::hours(4);
  return c;
}

struct RandomRun {
  std::uint64_t digest = 0;
  // (lot, status, origin, intended time) of every emission, in order.
  std::vector<std::tuple<std::string, proto::LotStatus, QualityOrigin, sim::Time>> plan;
  QualityStats stats;
};

RandomRun run_random(std::uint64_t seed, bool crash) {
  QualityWorld w(random_config(), quality_network(seed));
  w.start();
  if (crash) {
    w.sim.schedule_crash(w.quality, sim::kTimeZero + sim::minutes(30), sim::minutes(20),
                         sim::CrashKind::kProcessCrash);
  }
  w.run_for(sim::hours(6));
  RandomRun r;
  r.digest = w.sim.tracer().digest();
  for (const QualityEmission& q : w.state.emitted()) {
    r.plan.emplace_back(q.lot.lot, q.status, q.origin, q.intended_at);
  }
  r.stats = w.stats();
  EXPECT_TRUE(w.state.outbox().empty());
  EXPECT_EQ(w.script.distinct().size(), w.state.emitted().size());
  return r;
}

TEST(QualityRandom, IsDeterministicPerSeed) {
  const RandomRun a = run_random(7, false);
  const RandomRun b = run_random(7, false);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.plan, b.plan);
  EXPECT_GT(a.stats.random_holds, 10u);  // blocked lots leave the pool: few, but several
  const RandomRun other = run_random(8, false);
  EXPECT_NE(other.digest, a.digest);
  EXPECT_NE(other.plan, a.plan);
}

TEST(QualityRandom, EndsEveryHoldAfterItsDurationAndNeverHoldsALotTwiceAtOnce) {
  const RandomRun r = run_random(11, false);
  std::map<std::string, std::vector<std::size_t>> by_lot;  // indices into r.plan
  for (std::size_t i = 0; i < r.plan.size(); ++i) by_lot[std::get<0>(r.plan[i])].push_back(i);
  for (const auto& [name, indices] : by_lot) {
    for (std::size_t k = 0; k < indices.size(); ++k) {
      const auto& [l, status, origin, intended] = r.plan[indices[k]];
      if (k % 2 == 0) {
        EXPECT_EQ(status, LOT_STATUS_QUALITY_HOLD) << name << " #" << k;
        EXPECT_EQ(origin, QualityOrigin::kRandomHold);
      } else {
        EXPECT_NE(status, LOT_STATUS_QUALITY_HOLD) << name << " #" << k;
        EXPECT_EQ(origin, QualityOrigin::kRandomEnd);
        EXPECT_GE(intended, std::get<3>(r.plan[indices[k - 1]]));
        EXPECT_LE(intended - std::get<3>(r.plan[indices[k - 1]]), sim::hours(1));
        if (status == LOT_STATUS_BLOCKED) {
          EXPECT_EQ(k + 1, indices.size()) << name << ": a blocked lot is never held again";
        }
      }
    }
  }
  EXPECT_EQ(r.stats.random_holds, r.stats.random_releases + r.stats.random_blocks)
      << "every hold ended within the run";
  EXPECT_GT(r.stats.random_blocks, 0u);
}

TEST(QualityRandom, PlanDoesNotDependOnCrashes) {
  const RandomRun calm = run_random(7, false);
  const RandomRun crashed = run_random(7, true);
  EXPECT_EQ(calm.plan, crashed.plan);
  EXPECT_GT(crashed.stats.late, 0u);
  EXPECT_NE(calm.digest, crashed.digest);
}

TEST(QualityConfigTest, ValidationNamesEveryProblem) {
  EXPECT_TRUE(validate_quality_config(QualityConfig{}).empty());
  EXPECT_TRUE(validate_quality_config(random_config()).empty());
  QualityConfig c;
  c.schedule = {action(sim::seconds(5), "L1", LOT_STATUS_QUALITY_HOLD),
                action(sim::seconds(4), "", proto::LOT_STATUS_UNSPECIFIED)};
  c.random.mean_time_between_holds = sim::minutes(1);
  c.random.hold_sigma = -1;
  c.random.block_probability = 2;
  c.epoch_unix_ns = -1;
  c.sender.target = "";
  const std::vector<std::string> problems = validate_quality_config(c);
  const std::vector<std::string> expected_prefixes = {
      "quality.schedule[1].lot",        "quality.schedule[1].status",
      "quality.schedule[1] is earlier", "quality.random.lots is empty",
      "quality.random.hold_sigma",      "quality.random.block_probability",
      "quality.epoch_unix_ns",          "quality.sender.target"};
  ASSERT_EQ(problems.size(), expected_prefixes.size()) << ::testing::PrintToString(problems);
  for (std::size_t i = 0; i < problems.size(); ++i) {
    EXPECT_EQ(problems[i].rfind(expected_prefixes[i], 0), 0u) << problems[i];
  }
  QualityConfig twice = random_config();
  twice.random.lots.push_back(lot("L1"));
  ASSERT_EQ(validate_quality_config(twice).size(), 1u);
  EXPECT_NE(validate_quality_config(twice)[0].find("repeats lot P100/RM-100/L1"),
            std::string::npos);
}

}  // namespace
}  // namespace mw::fakes
