// The simulated WMS as a subscriber: acknowledgements, dedup by notification id, per-key
// sequence order with held early notifications, anomalies, and garbage. Every test runs a "wms"
// node and a scripted "middleware" node on a 1 ms network; the WMS watches nothing here.
#include <gtest/gtest.h>

#include "sim/trace.h"
#include "tests/fakes/wms/wms_harness.h"

namespace mw::fakes {
namespace {

using namespace mw::fakes::testing;

constexpr sim::Duration kRoundTrip = 2 * kNetworkDelay;

TEST(WmsInbox, AcknowledgesEveryNotificationIncludingDuplicates) {
  WmsWorld w(WmsConfig{});
  w.start();
  const auto n1 = inventory("n-1", "ev-1", "wo:1", 1, "L1", kLine, 500);
  const auto n2 = inventory("n-2", "ev-2", "wo:1", 2, "L1", kLine, 300);
  w.notify(n1);
  w.notify(n1);
  w.notify(n2);
  w.run_for(kRoundTrip);
  w.notify(n1);
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.script.acks_of("n-1"), 3u);
  EXPECT_EQ(w.script.acks_of("n-2"), 1u);
  EXPECT_EQ(w.stats().received, 4u);
  EXPECT_EQ(w.stats().duplicates, 2u);
  EXPECT_EQ(w.stats().acks_sent, 4u);
}

TEST(WmsInbox, AppliesEachNotificationOnce) {
  WmsWorld w(WmsConfig{});
  w.start();
  const auto n1 = inventory("n-1", "ev-1", "wo:1", 1, "L1", kLine, 500);
  for (int i = 0; i < 3; ++i) w.notify(n1);
  w.run_for(kRoundTrip);
  w.notify(n1);  // a resend after the ack was lost
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.book.stock(stock_key("L1", kLine)), 500);
  ASSERT_EQ(w.book.applied().size(), 1u);
  EXPECT_EQ(w.book.applied()[0].notification_id, "n-1");
  EXPECT_EQ(w.book.applied()[0].kind, NotificationKind::kInventoryUpdated);
  EXPECT_EQ(w.book.applied()[0].applied_at, sim::kTimeZero + kNetworkDelay);
  EXPECT_EQ(w.book.applied_for_source_event("ev-1"), 1u);
  EXPECT_TRUE(w.book.is_applied("n-1"));
  EXPECT_EQ(w.stats().applied, 1u);
}

TEST(WmsInbox, HoldsAnEarlyNotificationUntilItsPredecessorArrivesThenAppliesBothInOrder) {
  WmsWorld w(WmsConfig{});
  w.start();
  w.notify(inventory("n-3", "ev-3", "wo:1", 3, "L1", kLine, 30));
  w.notify(inventory("n-2", "ev-2", "wo:1", 2, "L1", kLine, 20));
  w.notify(inventory("n-9", "ev-9", "wo:2", 1, "L1", kLine, 900));  // another key is not blocked
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.book.held_count(), 2u);
  EXPECT_NE(w.book.held_at("wo:1", 3), nullptr);
  EXPECT_EQ(w.book.last_sequence("wo:1"), 0u);
  EXPECT_EQ(w.book.stock(stock_key("L1", kLine)), 900);
  EXPECT_EQ(w.script.acks_of("n-3"), 1u);  // held means stored: acknowledged
  EXPECT_EQ(w.script.acks_of("n-2"), 1u);

  w.notify(inventory("n-1", "ev-1", "wo:1", 1, "L1", kLine, 10));
  w.run_for(kRoundTrip);
  ASSERT_EQ(w.book.applied().size(), 4u);
  EXPECT_EQ(w.book.applied()[1].notification_id, "n-1");
  EXPECT_EQ(w.book.applied()[2].notification_id, "n-2");
  EXPECT_EQ(w.book.applied()[3].notification_id, "n-3");
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(w.book.applied()[i].order, i + 1);
  EXPECT_EQ(w.book.last_sequence("wo:1"), 3u);
  EXPECT_EQ(w.book.held_count(), 0u);
  EXPECT_TRUE(w.book.held().empty());
  EXPECT_EQ(w.book.stock(stock_key("L1", kLine)), 960);
  EXPECT_EQ(w.stats().held, 2u);
}

TEST(WmsInbox, AResentHeldNotificationIsADuplicate) {
  WmsWorld w(WmsConfig{});
  w.start();
  const auto early = inventory("n-2", "ev-2", "wo:1", 2, "L1", kLine, 20);
  w.notify(early);
  w.run_for(kRoundTrip);
  w.notify(early);
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.script.acks_of("n-2"), 2u);
  EXPECT_EQ(w.stats().held, 1u);
  EXPECT_EQ(w.stats().duplicates, 1u);
  EXPECT_TRUE(w.book.anomalies().empty());
}

TEST(WmsInbox, UnknownIdWithAnOldSequenceIsAnAnomalyAndNotApplied) {
  WmsWorld w(WmsConfig{});
  w.start();
  w.notify(inventory("n-1", "ev-1", "wo:1", 1, "L1", kLine, 500));
  w.notify(inventory("n-2", "ev-2", "wo:1", 2, "L1", kLine, 500));
  w.run_for(kRoundTrip);
  // The publisher re-recorded event ev-1 under a new id and an old sequence.
  const auto stale = inventory("n-1b", "ev-1", "wo:1", 1, "L1", kLine, 500);
  w.notify(stale);
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.book.stock(stock_key("L1", kLine)), 1000);
  EXPECT_EQ(w.book.applied().size(), 2u);
  EXPECT_FALSE(w.book.is_applied("n-1b"));
  ASSERT_EQ(w.book.anomalies().size(), 1u);
  const NotificationAnomaly& a = w.book.anomalies()[0];
  EXPECT_EQ(a.kind, AnomalyKind::kStaleSequence);
  EXPECT_EQ(a.notification_id, "n-1b");
  EXPECT_EQ(a.source_event_id, "ev-1");
  EXPECT_EQ(a.ordering_key, "wo:1");
  EXPECT_EQ(a.sequence, 1u);
  EXPECT_EQ(a.last_applied, 2u);
  EXPECT_EQ(w.script.acks_of("n-1b"), 1u);  // recorded, so acknowledged: no endless resend

  w.notify(stale);  // its resend is a duplicate, not a second anomaly
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.book.anomalies().size(), 1u);
  EXPECT_EQ(w.stats().duplicates, 1u);
}

TEST(WmsInbox, ASecondIdAtAHeldSequenceIsAnAnomaly) {
  WmsWorld w(WmsConfig{});
  w.start();
  w.notify(inventory("n-2", "ev-2", "wo:1", 2, "L1", kLine, 20));
  w.notify(inventory("n-2x", "ev-2", "wo:1", 2, "L1", kLine, 20));
  w.notify(inventory("n-1", "ev-1", "wo:1", 1, "L1", kLine, 10));
  w.run_for(kRoundTrip);
  ASSERT_EQ(w.book.anomalies().size(), 1u);
  EXPECT_EQ(w.book.anomalies()[0].kind, AnomalyKind::kSequenceConflict);
  EXPECT_EQ(w.book.anomalies()[0].notification_id, "n-2x");
  EXPECT_EQ(w.book.stock(stock_key("L1", kLine)), 30);
  EXPECT_EQ(w.book.last_sequence("wo:1"), 2u);
}

TEST(WmsInbox, AFullHoldLeavesAnEarlyNotificationUnacknowledgedForTheResend) {
  WmsConfig c;
  c.max_held_notifications = 1;
  WmsWorld w(c);
  w.start();
  const auto n3 = inventory("n-3", "ev-3", "wo:1", 3, "L1", kLine, 30);
  w.notify(inventory("n-2", "ev-2", "wo:1", 2, "L1", kLine, 20));
  w.notify(n3);
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.script.acks_of("n-3"), 0u);
  EXPECT_EQ(w.stats().held_dropped, 1u);
  w.notify(inventory("n-1", "ev-1", "wo:1", 1, "L1", kLine, 10));
  w.notify(n3);  // the publisher's resend
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.script.acks_of("n-3"), 1u);
  EXPECT_EQ(w.book.last_sequence("wo:1"), 3u);
  EXPECT_EQ(w.book.stock(stock_key("L1", kLine)), 60);
}

TEST(WmsInbox, AppliesEveryBodyKindInOrderAndKeepsLotStatuses) {
  WmsWorld w(WmsConfig{});
  w.start();
  proto::Notification confirmed = notification("n-2", "ev-2", "wo:1", 2);
  confirmed.mutable_production_confirmed()->set_work_order("4711");
  w.notify(lot_status("n-1", "ev-1", "wo:1", 1, "L1", proto::LOT_STATUS_QUALITY_HOLD));
  w.notify(confirmed);
  w.notify(notification("n-3", "ev-3", "wo:1", 3));  // a body this WMS does not know
  w.run_for(kRoundTrip);
  ASSERT_EQ(w.book.applied().size(), 3u);
  EXPECT_EQ(w.book.applied()[0].kind, NotificationKind::kLotStatusUpdated);
  EXPECT_EQ(w.book.applied()[1].kind, NotificationKind::kProductionConfirmed);
  EXPECT_EQ(w.book.applied()[2].kind, NotificationKind::kNone);
  EXPECT_EQ(w.book.lot_status(WmsLotKey{kErpPlant, kErpMaterial, "L1"}),
            proto::LOT_STATUS_QUALITY_HOLD);
  EXPECT_EQ(w.book.lot_status(WmsLotKey{kErpPlant, kErpMaterial, "L2"}),
            proto::LOT_STATUS_RELEASED);
}

TEST(WmsInbox, GarbageIsCountedTracedAndIgnored) {
  WmsWorld w(WmsConfig{});
  sim::MemoryTraceSink sink;
  w.sim.tracer().set_sink(&sink);
  w.start();
  w.send_bytes(std::string("\xff\xff\xff\x01garbage", 11));
  proto::Frame other;
  other.mutable_erp_reply()->set_request_id(7);
  w.send_bytes(other.SerializeAsString());
  w.notify(notification("", "ev-1", "wo:1", 1));  // no id: cannot be acknowledged
  w.notify(notification("n-0", "ev-1", "wo:1", 0));
  w.notify(notification("n-k", "ev-1", "", 1));
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.stats().garbage, 5u);
  EXPECT_EQ(w.stats().received, 0u);
  EXPECT_TRUE(w.book.applied().empty());
  EXPECT_TRUE(w.script.notification_acks.empty());
  std::size_t traced = 0;
  for (const std::string& line : sink.lines()) {
    traced += line.find(" wms.garbage ") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(traced, 5u);
  w.sim.tracer().set_sink(nullptr);

  // Still serving.
  w.notify(inventory("n-1", "ev-1", "wo:1", 1, "L1", kLine, 10));
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.script.acks_of("n-1"), 1u);
}

TEST(WmsInbox, SameSeedGivesTheSameTraceOnAFaultyNetwork) {
  auto run = [](std::uint64_t seed) {
    sim::SimulationOptions o;
    o.seed = seed;
    o.network.default_link.duplicate_probability = 0.3;
    o.network.default_link.loss_probability = 0.1;
    WmsWorld w(replenishing_config(), o);
    w.book.set_opening_stock(stock_key("L1", kWarehouse), 100'000);
    w.start();
    for (std::uint64_t s = 1; s <= 20; ++s) {
      w.notify(inventory("n-" + std::to_string(s), "ev-" + std::to_string(s), "wo:1", s, "L1",
                         kLine, s % 2 == 0 ? -200 : 100));
      w.run_for(sim::milliseconds(3));
    }
    w.run_for(sim::seconds(20));
    return w.sim.tracer().digest();
  };
  EXPECT_EQ(run(5), run(5));
  EXPECT_NE(run(5), run(6));
}

}  // namespace
}  // namespace mw::fakes
