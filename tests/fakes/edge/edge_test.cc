// The plant edge's store-and-forward behaviour, one behaviour per test, on an exact network.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "sim/trace.h"
#include "tests/fakes/edge/edge_harness.h"

namespace mw::fakes {
namespace {

using testing::EdgeWorld;
using testing::events;
using testing::exact_network;
using testing::test_config;

std::vector<std::string> ids_of(const std::vector<proto::SourceEvent>& evs) {
  std::vector<std::string> out;
  for (const auto& e : evs) out.push_back(testing::id_of(e));
  return out;
}

std::vector<std::string> queued_ids(EdgeWorld& w) {
  std::vector<std::string> out;
  for (const EdgeStore::Row& r : w.edge_process()->queued()) out.push_back(r.event_id);
  return out;
}

std::vector<std::string> ack_ids(const proto::Ack& ack) {
  return {ack.event_ids().begin(), ack.event_ids().end()};
}

// ---- Upstream. ----

TEST(EdgeUpstream, AcksTheMesOnlyAfterCommitSoAPowerLossRightAfterTheAckLosesNothing) {
  sim::SimulationOptions options = exact_network(1);
  options.disk.sector_survives_probability = 0;  // every write not synced is lost
  sim::MemoryTraceSink trace;
  EdgeWorld w(test_config(), options, /*mes_resends=*/false, &trace);
  w.mw_state.silent = true;
  w.start();
  w.run_for(sim::milliseconds(10));
  const auto evs = events("ev-", 5);
  w.emit(evs);
  w.run_for(sim::milliseconds(2));  // there and back
  ASSERT_EQ(w.mes_state.acks.size(), 1u);
  EXPECT_EQ(ack_ids(w.mes_state.acks[0]), ids_of(evs));

  // The commit is traced before the ack leaves.
  std::size_t store_line = 0;
  std::size_t ack_line = 0;
  for (std::size_t i = 0; i < trace.lines().size(); ++i) {
    const std::string& l = trace.lines()[i];
    if (l.find("edge.store") != std::string::npos && store_line == 0) store_line = i;
    if (l.find("edge-P100 net.send to=mes-P100") != std::string::npos && ack_line == 0) {
      ack_line = i;
    }
  }
  ASSERT_GT(store_line, 0u);
  EXPECT_LT(store_line, ack_line);

  w.power_loss(sim::seconds(1));  // the instant the MES holds the ack
  w.run_for(sim::seconds(1) + sim::milliseconds(1));
  ASSERT_NE(w.edge_process(), nullptr);
  EXPECT_EQ(queued_ids(w), ids_of(evs));
  EXPECT_EQ(w.edge_process()->backlog(), 5u);
  EXPECT_EQ(w.book.backlog(), 5u);
}

TEST(EdgeUpstream, APowerLossAtAnyIoOfTheCommitNeverLeavesAnAckedBatchBehind) {
  int struck = 0;
  int acked = 0;
  for (std::uint64_t n = 0; n < 40; ++n) {
    sim::SimulationOptions options = exact_network(n + 1);
    options.disk.sector_survives_probability = 0.5;
    EdgeWorld w(test_config(), options, /*mes_resends=*/false);
    w.mw_state.silent = true;
    w.start();
    w.run_for(sim::milliseconds(10));
    w.edge_volume().power_loss_after_io(n);
    const auto evs = events("ev-", 5);
    w.emit(evs);
    w.run_for(sim::milliseconds(2));
    const bool hit = !w.edge_volume().fault_armed();
    w.edge_volume().disarm_fault();
    const bool got_ack = !w.mes_state.acks.empty();
    if (hit) {
      ++struck;
      EXPECT_FALSE(got_ack) << "io " << n;
      EXPECT_EQ(w.mes_state.nacks.size(), 5u) << "io " << n;
      for (const auto& [at, nack] : w.mes_state.nacks) EXPECT_TRUE(nack.retryable());
    }
    acked += got_ack ? 1 : 0;
    w.sim.crash(w.edge, sim::CrashKind::kProcessCrash);
    w.sim.start_node(w.edge);
    w.run_for(sim::milliseconds(10));
    ASSERT_NE(w.edge_process(), nullptr);
    const std::vector<std::string> held = queued_ids(w);
    if (got_ack) {
      EXPECT_EQ(held, ids_of(evs)) << "io " << n;
    } else {
      // A commit the power cut is whole or absent.
      EXPECT_TRUE(held.empty() || held == ids_of(evs)) << "io " << n;
    }
  }
  EXPECT_GT(struck, 0);
  EXPECT_GT(acked, 0);
}

TEST(EdgeUpstream, DuplicateUpstreamEventsAreStoredOnce) {
  EdgeWorld w(test_config(), exact_network(1), /*mes_resends=*/false);
  w.mw_state.silent = true;
  w.start();
  const auto a = testing::canonical_event("a", 1);
  const auto b = testing::canonical_event("b", 2);
  w.emit({a, a, b});  // a duplicate emission inside one batch
  w.run_for(sim::milliseconds(10));
  w.emit({a});  // a resend while the edge holds it
  w.run_for(sim::milliseconds(10));
  EXPECT_EQ(queued_ids(w), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(w.book.stats().stored, 2u);
  EXPECT_EQ(w.book.stats().duplicates, 2u);
  ASSERT_EQ(w.mes_state.acks.size(), 2u);
  EXPECT_EQ(ack_ids(w.mes_state.acks[0]), (std::vector<std::string>{"a", "a", "b"}));
  EXPECT_EQ(ack_ids(w.mes_state.acks[1]), (std::vector<std::string>{"a"}));

  w.mw_state.silent = false;
  w.run_for(sim::seconds(1));
  EXPECT_EQ(w.edge_process()->backlog(), 0u);
  const std::size_t arrivals = w.mw_state.arrivals.size();
  w.emit({a, b});  // a late resend after the edge forwarded them: remembered, acked, not stored
  w.run_for(sim::seconds(1));
  EXPECT_EQ(w.book.stats().stored, 2u);
  EXPECT_EQ(w.book.stats().duplicates, 4u);
  EXPECT_EQ(w.mw_state.arrivals.size(), arrivals);
  EXPECT_EQ(w.mw_state.first_seen, (std::vector<std::string>{"a", "b"}));

  // The same id with other bytes is another event to the edge: the middleware must judge the
  // conflict.
  w.emit({testing::canonical_event("a", 99)});
  w.run_for(sim::seconds(1));
  EXPECT_EQ(w.book.stats().stored, 3u);
  EXPECT_EQ(w.mw_state.arrivals.size(), arrivals + 1);
}

TEST(EdgeUpstream, AnUnreadableEventIsStoredForwardedAndRefusedToTheMesForGood) {
  EdgeWorld w(test_config(), exact_network(1), /*mes_resends=*/false);
  w.start();
  w.emit({testing::canonical_event("ev-1"), testing::garbage_event("no id|at all")});
  w.run_for(sim::seconds(1));
  ASSERT_EQ(w.mes_state.acks.size(), 1u);
  EXPECT_EQ(ack_ids(w.mes_state.acks[0]), (std::vector<std::string>{"ev-1"}));
  ASSERT_EQ(w.mes_state.nacks.size(), 1u);
  EXPECT_EQ(w.mes_state.nacks[0].second.index(), 1u);
  EXPECT_FALSE(w.mes_state.nacks[0].second.retryable());
  EXPECT_EQ(w.book.stats().unreadable_ids, 1u);
  ASSERT_EQ(w.mw_state.arrivals.size(), 1u);
  EXPECT_EQ(w.mw_state.arrivals[0].ids, (std::vector<std::string>{"ev-1", ""}));
}

TEST(EdgeUpstream, AFullStoreNacksRetryableAndTakesTheEventsOnceItDrains) {
  EdgeConfig config = test_config();
  config.max_backlog_events = 3;
  EdgeWorld w(config, exact_network(1), /*mes_resends=*/true);
  w.mw_state.silent = true;
  w.start();
  const auto evs = events("ev-", 5);
  w.emit(evs);
  w.run_for(sim::milliseconds(10));
  EXPECT_EQ(queued_ids(w), (std::vector<std::string>{"ev-1", "ev-2", "ev-3"}));
  ASSERT_EQ(w.mes_state.nacks.size(), 2u);
  for (const auto& [at, nack] : w.mes_state.nacks) {
    EXPECT_TRUE(nack.retryable());
    EXPECT_NE(nack.reason().find("full"), std::string::npos) << nack.reason();
  }
  EXPECT_EQ(w.book.stats().refused, 2u);
  EXPECT_EQ(w.book.stats().max_backlog, 3u);

  w.mw_state.silent = false;
  w.run_for(sim::seconds(10));
  EXPECT_EQ(w.mw_state.first_seen, ids_of(evs));
  EXPECT_EQ(w.edge_process()->backlog(), 0u);
  EXPECT_TRUE(w.mes_state.pending.empty());
}

// ---- Downstream. ----

TEST(EdgeForward, ForwardsInStoreOrderInBatchesOfAtMostMaxBatchEvents) {
  EdgeWorld w;
  w.start();
  std::vector<proto::SourceEvent> all = events("a", 25);
  std::vector<proto::SourceEvent> vendor;
  for (int i = 1; i <= 5; ++i) vendor.push_back(testing::vendor_event("v" + std::to_string(i)));
  const auto later = events("b", 20);
  w.run_for(sim::milliseconds(10));
  w.emit(all);
  w.run_for(sim::milliseconds(1));
  w.emit(vendor);
  w.run_for(sim::milliseconds(1));
  w.emit(later);
  all.insert(all.end(), vendor.begin(), vendor.end());
  all.insert(all.end(), later.begin(), later.end());
  w.run_for(sim::seconds(2));

  std::vector<std::string> arrived;
  std::uint64_t last_batch = 0;
  for (const auto& a : w.mw_state.arrivals) {
    EXPECT_LE(a.ids.size(), 10u);
    EXPECT_GT(a.batch_id, last_batch);
    last_batch = a.batch_id;
    arrived.insert(arrived.end(), a.ids.begin(), a.ids.end());
  }
  EXPECT_EQ(arrived, ids_of(all));  // each once, in store order
  EXPECT_EQ(w.book.stats().acked, 50u);
  EXPECT_EQ(w.book.stats().resends, 0u);
  EXPECT_EQ(w.edge_process()->backlog(), 0u);
  EXPECT_TRUE(queued_ids(w).empty());
}

TEST(EdgeForward, DeletesAnEventOnlyAfterTheMiddlewareAcksIt) {
  EdgeWorld w;
  std::set<std::string> allowed;
  w.mw_state.verdict = [&allowed](const std::string& id, std::uint32_t) {
    testing::MiddlewareState::Verdict v;
    v.answer = allowed.count(id) > 0 || allowed.count("*") > 0;
    return v;
  };
  w.start();
  const auto evs = events("ev-", 6);
  w.emit(evs);
  w.run_for(sim::seconds(12));
  EXPECT_EQ(queued_ids(w), ids_of(evs));
  EXPECT_EQ(w.book.stats().acked, 0u);
  EXPECT_GT(w.book.stats().resends, 0u);

  allowed = {"ev-2", "ev-4"};
  w.run_for(sim::seconds(6));
  EXPECT_EQ(queued_ids(w), (std::vector<std::string>{"ev-1", "ev-3", "ev-5", "ev-6"}));
  EXPECT_EQ(w.book.stats().acked, 2u);
  EXPECT_EQ(w.book.backlog(), 4u);

  w.run_for(sim::seconds(6));  // the rest goes again, in a batch of its own, in store order
  const auto& last = w.mw_state.arrivals.back();
  EXPECT_EQ(last.ids, (std::vector<std::string>{"ev-1", "ev-3", "ev-5", "ev-6"}));
  EXPECT_NE(last.batch_id, w.mw_state.arrivals.front().batch_id);

  allowed = {"*"};
  w.run_for(sim::seconds(6));
  EXPECT_TRUE(queued_ids(w).empty());
  EXPECT_EQ(w.book.stats().acked, 6u);
  EXPECT_EQ(w.book.backlog(), 0u);
}

TEST(EdgeForward, ResendsAnUnackedBatchAfterTheTimeoutWithTheSameBytes) {
  EdgeWorld w;
  w.mw_state.silent = true;
  w.start();
  w.run_for(sim::milliseconds(10));
  w.emit(events("ev-", 3));
  w.run_for(sim::seconds(11));
  const auto& arrivals = w.mw_state.arrivals;
  ASSERT_EQ(arrivals.size(), 3u);
  EXPECT_EQ(arrivals[1].at - arrivals[0].at, sim::seconds(5));
  EXPECT_EQ(arrivals[2].at - arrivals[1].at, sim::seconds(5));
  EXPECT_EQ(arrivals[1].bytes, arrivals[0].bytes);
  EXPECT_EQ(arrivals[2].bytes, arrivals[0].bytes);
  EXPECT_EQ(w.book.stats().forward_sends, 9u);
  EXPECT_EQ(w.book.stats().resends, 6u);
  EXPECT_EQ(w.edge_process()->backlog(), 3u);
}

TEST(EdgeForward, ARetryableNackSendsTheBatchAgainAtTheNextFlush) {
  EdgeWorld w;
  int answers = 0;
  w.mw_state.verdict = [&answers](const std::string&, std::uint32_t) {
    testing::MiddlewareState::Verdict v;
    v.nack = ++answers <= 2;  // both events of the first copy
    v.retryable = true;
    v.reason = "store unavailable, resend";
    return v;
  };
  w.start();
  w.run_for(sim::milliseconds(10));
  w.emit(events("ev-", 2));
  w.run_for(sim::seconds(1));
  const auto& arrivals = w.mw_state.arrivals;
  ASSERT_EQ(arrivals.size(), 2u);
  EXPECT_EQ(arrivals[1].at - arrivals[0].at, test_config().flush_interval);
  EXPECT_EQ(arrivals[1].bytes, arrivals[0].bytes);
  EXPECT_EQ(w.book.stats().nacked_retryable, 2u);
  EXPECT_EQ(w.book.stats().acked, 2u);
  EXPECT_EQ(w.edge_process()->backlog(), 0u);
}

TEST(EdgeForward, ANonRetryableNackDeletesTheEventAndRecordsItAsRejected) {
  EdgeWorld w;
  w.mw_state.verdict = [](const std::string& id, std::uint32_t) {
    testing::MiddlewareState::Verdict v;
    if (id == "ev-2") {
      v.nack = true;
      v.reason = "validation: unknown material 'X'";
    }
    return v;
  };
  w.start();
  w.run_for(sim::milliseconds(10));
  w.emit({testing::canonical_event("ev-1"), testing::canonical_event("ev-2"),
          testing::garbage_event("garbage"), testing::canonical_event("ev-3")});
  w.run_for(sim::seconds(1));
  EXPECT_EQ(w.edge_process()->backlog(), 0u);
  EXPECT_EQ(w.book.stats().acked, 2u);
  EXPECT_EQ(w.book.stats().rejected, 2u);
  const auto rejected = w.edge_process()->rejected();
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_EQ(rejected[0].event_id, "ev-2");
  EXPECT_EQ(rejected[0].reason, "validation: unknown material 'X'");
  EXPECT_EQ(rejected[1].event_id, "");
  EXPECT_EQ(rejected[1].reason, "quarantined: undecodable");
  ASSERT_EQ(w.book.rejections().size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(w.book.rejections()[i].seq, rejected[i].seq);
    EXPECT_EQ(w.book.rejections()[i].event_id, rejected[i].event_id);
    EXPECT_EQ(w.book.rejections()[i].reason, rejected[i].reason);
  }
  // The MES got its ack from the edge long ago; a rejection is not resent.
  EXPECT_EQ(ack_ids(w.mes_state.acks[0]), (std::vector<std::string>{"ev-1", "ev-2", "ev-3"}));
  w.run_for(sim::seconds(20));
  EXPECT_EQ(w.mw_state.arrivals.size(), 1u);
}

// A MES that reuses an id with another payload: the edge holds the second copy (its key is
// id and bytes) while the first is settled. The network then repeats the middleware's reply
// about the first copy's batch; it must not settle the second, which the middleware has not
// seen and would quarantine as a conflict (swarm seeds 1431, 1708 and 1740 lost it this way).
class EdgeForwardReusedId : public ::testing::Test {
 protected:
  void SetUp() override {
    w.mw_state.verdict = [this](const std::string&, std::uint32_t) {
      testing::MiddlewareState::Verdict v;
      v.answer = w.mw_state.arrivals.empty();  // only the first batch is answered
      v.nack = nack;
      v.reason = "rejected by test";
      return v;
    };
    w.start();
    w.run_for(sim::milliseconds(10));
    w.emit({testing::canonical_event("ev-1", 1)});
    w.run_for(sim::seconds(1));
    ASSERT_EQ(w.mw_state.arrivals.size(), 1u);
    first_batch = w.mw_state.arrivals[0].batch_id;
    w.emit({testing::canonical_event("ev-1", 2)});  // same id, other bytes
    w.run_for(sim::seconds(1));
    ASSERT_EQ(w.mw_state.arrivals.size(), 2u);
    ASSERT_EQ(queued_ids(w), (std::vector<std::string>{"ev-1"}));
  }
  // repeat_reply hands the edge a copy of the middleware's reply about the first batch.
  void repeat_reply() {
    proto::Frame f;
    if (nack) {
      f.mutable_nack()->set_batch_id(first_batch);
      f.mutable_nack()->set_index(0);
      f.mutable_nack()->set_event_id("ev-1");
      f.mutable_nack()->set_reason("rejected by test");
    } else {
      f.mutable_ack()->set_batch_id(first_batch);
      f.mutable_ack()->add_event_ids("ev-1");
    }
    w.edge_process()->on_message(w.middleware, f.SerializeAsString());
  }
  EdgeWorld w;
  bool nack = false;
  std::uint64_t first_batch = 0;
};

TEST_F(EdgeForwardReusedId, ARepeatedAckOfTheFirstCopyLeavesTheSecondHeld) {
  const std::uint64_t stray = w.book.stats().stray_replies;
  repeat_reply();
  EXPECT_EQ(queued_ids(w), (std::vector<std::string>{"ev-1"}));
  EXPECT_EQ(w.book.stats().acked, 1u);
  EXPECT_EQ(w.book.stats().stray_replies, stray + 1);
}

class EdgeForwardReusedIdNacked : public EdgeForwardReusedId {
 protected:
  EdgeForwardReusedIdNacked() { nack = true; }
};

TEST_F(EdgeForwardReusedIdNacked, ARepeatedNackOfTheFirstCopyLeavesTheSecondHeld) {
  ASSERT_EQ(w.book.stats().rejected, 1u);
  repeat_reply();
  EXPECT_EQ(queued_ids(w), (std::vector<std::string>{"ev-1"}));
  EXPECT_EQ(w.book.stats().rejected, 1u);
}

TEST(EdgeForward, ALongWanPartitionBuffersEverythingAndDrainsInOrderAfterTheHeal) {
  sim::SimulationOptions options = exact_network(1);
  const sim::Time cut = sim::kTimeZero + sim::seconds(10);
  const sim::Duration outage = sim::hours(2);
  options.network.partitions.push_back(
      sim::ScheduledPartition{{"edge-P100"}, {"middleware"}, false, cut, outage});
  EdgeWorld w(test_config(), options);
  w.start();
  std::vector<std::string> emitted;
  int n = 0;
  // One event every 2 s, from before the cut to a minute after the heal.
  for (sim::Time t = sim::kTimeZero + sim::seconds(1); t < cut + outage + sim::minutes(1);
       t += sim::seconds(2)) {
    w.run_until(t);
    ++n;
    const auto e =
        testing::canonical_event("ev-" + std::to_string(n), static_cast<std::uint64_t>(n));
    w.emit({e});
    emitted.push_back(testing::id_of(e));
    if (t < cut + outage && t + sim::seconds(2) >= cut + outage) {
      // Just before the heal: everything since the cut is held at the edge.
      EXPECT_GE(w.edge_process()->backlog(), 3590u);
      EXPECT_LE(w.mw_state.first_seen.size(), 10u);
    }
  }
  w.run_for(sim::minutes(2));
  EXPECT_EQ(w.mw_state.first_seen, emitted);  // all of it, in order
  EXPECT_EQ(w.edge_process()->backlog(), 0u);
  EXPECT_GE(w.book.stats().max_backlog, 3590u);
  EXPECT_TRUE(w.mes_state.pending.empty());
}

TEST(EdgeRestart, AProcessCrashResumesForwardingTheHeldEventsFromTheOldest) {
  sim::MemoryTraceSink trace;
  EdgeWorld w(test_config(), exact_network(1), /*mes_resends=*/false, &trace);
  w.mw_state.silent = true;
  w.start();
  const auto evs = events("ev-", 15);
  w.emit(evs);
  w.run_for(sim::seconds(1));
  w.sim.crash(w.edge, sim::CrashKind::kProcessCrash);
  w.mw_state.silent = false;
  w.mw_state.arrivals.clear();
  w.sim.start_node(w.edge);
  w.run_for(sim::seconds(1));
  std::vector<std::string> arrived;
  for (const auto& a : w.mw_state.arrivals)
    arrived.insert(arrived.end(), a.ids.begin(), a.ids.end());
  EXPECT_EQ(arrived, ids_of(evs));
  EXPECT_EQ(w.edge_process()->backlog(), 0u);
  bool opened_with_backlog = false;
  for (const std::string& l : trace.lines()) {
    opened_with_backlog |= l.find("edge.open backlog=15") != std::string::npos;
  }
  EXPECT_TRUE(opened_with_backlog);
}

}  // namespace
}  // namespace mw::fakes
