// The simulated WMS as a source: replenishment of line-side stock through the middleware, its
// ground truth in the SourceLog, at-least-once delivery, re-arming, rejection, expiry, lot
// choice, crashes, and the config. The rule (wms_harness.h) replenishes LINE1 with 5000 from
// WH01 below 1000; opening stock is 1500 at LINE1 and 20000 of lot L1 at WH01 unless a test
// says otherwise.
#include <gtest/gtest.h>

#include "tests/fakes/wms/wms_harness.h"

namespace mw::fakes {
namespace {

using namespace mw::fakes::testing;

constexpr sim::Duration kRoundTrip = 2 * kNetworkDelay;
constexpr sim::Duration kFlush = sim::milliseconds(200);  // SenderConfig default

void open_normally(WmsBook& book) {
  book.set_opening_stock(stock_key("L0", kLine), 1500);
  book.set_opening_stock(stock_key("L1", kWarehouse), 20'000);
}

// consume sends an InventoryUpdated of -milli at LINE1, lot L0, on key "wo:1".
void consume(WmsWorld& w, std::uint64_t seq, std::int64_t milli) {
  const std::string s = std::to_string(seq);
  w.notify(inventory("n-wo-" + s, "ev-wo-" + s, "wo:1", seq, "L0", kLine, -milli));
}

// arrive sends the two InventoryUpdated notifications of transfer `event` (lot L1, `milli`).
void arrive(WmsWorld& w, const std::string& event, std::uint64_t first_seq, std::int64_t milli) {
  w.notify(inventory(event + "/from", event, kReplKey, first_seq, "L1", kWarehouse, -milli));
  w.notify(inventory(event + "/to", event, kReplKey, first_seq + 1, "L1", kLine, milli));
}

TEST(WmsReplenishment, TriggersOnceWhenLineStockDropsBelowTheReorderPoint) {
  WmsWorld w(replenishing_config());
  open_normally(w.book);
  w.start();
  w.run_for(sim::seconds(1));
  EXPECT_TRUE(w.script.events.empty()) << "1500 is not below 1000";

  consume(w, 1, 600);  // 900 left: below
  w.run_for(kRoundTrip);
  consume(w, 2, 100);  // still below, one is open: no second
  w.run_for(sim::seconds(1));

  ASSERT_EQ(w.book.replenishments().size(), 1u);
  const std::vector<proto::EventEnvelope> sent = w.script.distinct();
  ASSERT_EQ(sent.size(), 1u);
  const proto::EventEnvelope& e = sent[0];
  EXPECT_EQ(e.event_id(), "wms:repl:P100/RM-100:1");
  EXPECT_EQ(e.event_type(), proto::STOCK_TRANSFERRED);
  EXPECT_EQ(e.source().plant(), kPlant);
  EXPECT_EQ(e.source().system(), "wms");
  EXPECT_EQ(e.schema_version(), 1u);
  EXPECT_EQ(e.ordering_key(), kReplKey);
  EXPECT_EQ(e.source_sequence(), 1u);
  EXPECT_EQ(e.causation_id(), "n-wo-1");
  EXPECT_EQ(e.posting_date(), "2026-01-05");
  const sim::Time created = sim::kTimeZero + sim::seconds(1) + kNetworkDelay;  // n-wo-1 arrived
  EXPECT_EQ(e.occurred_at_ns(), kDefaultEpochUnixNs + sim::to_nanos(created));
  ASSERT_TRUE(e.has_stock_transferred());
  const proto::StockTransferred& t = e.stock_transferred();
  EXPECT_EQ(t.material(), kPlantMaterial);
  EXPECT_EQ(t.lot(), "L1");
  EXPECT_EQ(t.quantity().milli(), 5000);
  EXPECT_EQ(t.quantity().uom(), "KG");
  EXPECT_EQ(t.from_location(), kWarehouse);
  EXPECT_EQ(t.to_location(), kLine);
  EXPECT_EQ(w.book.replenishments()[0].state, ReplenishmentState::kOpen);
  EXPECT_EQ(w.stats().replenishments, 1u);
  EXPECT_TRUE(w.book.outbox().empty()) << "acknowledged";
}

TEST(WmsReplenishment, IsLoggedInTheSourceLogWithNetZeroEffectsBeforeItIsSent) {
  WmsWorld w(replenishing_config());
  w.script.ack_events = false;
  open_normally(w.book);
  w.start();
  consume(w, 1, 600);
  w.run_for(kNetworkDelay);  // created, not flushed yet
  EXPECT_TRUE(w.script.events.empty());
  ASSERT_EQ(w.log.size(), 1u);
  ASSERT_EQ(w.book.outbox().size(), 1u);
  const EmittedEvent& e = w.log.events()[0];
  EXPECT_EQ(e.event_id, "wms:repl:P100/RM-100:1");
  EXPECT_EQ(e.source, "wms");
  EXPECT_EQ(e.plant, kPlant);
  EXPECT_EQ(e.type, proto::STOCK_TRANSFERRED);
  EXPECT_EQ(e.ordering_key, kReplKey);
  EXPECT_EQ(e.source_sequence, 1u);
  EXPECT_EQ(e.created_at, sim::kTimeZero + kNetworkDelay);
  EXPECT_FALSE(e.malformed);
  ASSERT_EQ(e.effects.size(), 2u);
  std::int64_t net = 0;
  for (const PhysicalEffect& p : e.effects) {
    EXPECT_EQ(p.plant, kPlant);
    EXPECT_EQ(p.material, kPlantMaterial);
    EXPECT_EQ(p.lot, "L1");
    EXPECT_EQ(p.uom, "KG");
    net += p.milli;
  }
  EXPECT_EQ(net, 0);
  EXPECT_EQ(e.effects[0].storage_location, kWarehouse);
  EXPECT_EQ(e.effects[0].milli, -5000);
  EXPECT_EQ(e.effects[1].storage_location, kLine);
  EXPECT_EQ(e.effects[1].milli, 5000);
}

TEST(WmsReplenishment, IsResentUntilAcknowledged) {
  WmsWorld w(replenishing_config());
  w.script.ack_events = false;
  open_normally(w.book);
  w.start();
  consume(w, 1, 600);
  w.run_for(sim::seconds(12));
  const std::string id = "wms:repl:P100/RM-100:1";
  EXPECT_EQ(w.script.copies_of(id), 3u) << "first send, then every 5 s";
  EXPECT_EQ(w.book.outbox().size(), 1u);

  w.script.ack_events = true;
  w.run_for(sim::seconds(5));
  EXPECT_EQ(w.script.copies_of(id), 4u);
  EXPECT_TRUE(w.book.outbox().empty());
  w.run_for(sim::seconds(20));
  EXPECT_EQ(w.script.copies_of(id), 4u) << "no resend after the ack";
  for (const ReceivedEvent& r : w.script.events) EXPECT_EQ(r.envelope.source_sequence(), 1u);
  EXPECT_EQ(w.log.size(), 1u) << "a resend is not a new event";
}

TEST(WmsReplenishment, RearmsAfterItsInventoryUpdatedNotificationsArrive) {
  WmsWorld w(replenishing_config());
  open_normally(w.book);
  w.start();
  consume(w, 1, 600);  // 900
  w.run_for(sim::seconds(1));
  const std::string first = "wms:repl:P100/RM-100:1";
  ASSERT_EQ(w.script.copies_of(first), 1u);

  w.notify(inventory(first + "/from", first, kReplKey, 1, "L1", kWarehouse, -5000));
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.book.replenishments()[0].state, ReplenishmentState::kOpen) << "one leg of two";
  consume(w, 2, 100);  // 800: still below, still open
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.book.replenishments().size(), 1u);

  w.notify(inventory(first + "/to", first, kReplKey, 2, "L1", kLine, 5000));  // 5800
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.book.replenishments()[0].state, ReplenishmentState::kArrived);
  EXPECT_EQ(w.book.replenishments()[0].legs_applied, 2u);
  EXPECT_EQ(w.book.applied_for_source_event(first), 2u);
  EXPECT_EQ(w.book.location_stock(kErpPlant, kErpMaterial, kLine), 5800);
  EXPECT_EQ(w.book.stock(stock_key("L1", kWarehouse)), 15'000);
  EXPECT_EQ(w.book.replenishments().size(), 1u) << "5800 is not below 1000";

  consume(w, 3, 5000);  // 800 again
  w.run_for(sim::seconds(1));
  ASSERT_EQ(w.book.replenishments().size(), 2u);
  const std::vector<proto::EventEnvelope> sent = w.script.distinct();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].event_id(), "wms:repl:P100/RM-100:2");
  EXPECT_EQ(sent[1].source_sequence(), 2u);
  EXPECT_EQ(w.stats().replenishments_arrived, 1u);
}

TEST(WmsReplenishment, ARejectedTransferClosesWithTheReasonAndTheRuleTriggersAgain) {
  WmsWorld w(replenishing_config());
  w.script.reject["wms:repl:P100/RM-100:1"] = "BLOCKED_LOT: lot L1 is on hold";
  open_normally(w.book);
  w.start();
  consume(w, 1, 600);
  w.run_for(sim::seconds(1));
  ASSERT_EQ(w.book.replenishments().size(), 2u);
  const Replenishment& rejected = w.book.replenishments()[0];
  EXPECT_EQ(rejected.state, ReplenishmentState::kRejected);
  EXPECT_EQ(rejected.reason, "BLOCKED_LOT: lot L1 is on hold");
  EXPECT_EQ(w.book.replenishments()[1].state, ReplenishmentState::kOpen);
  EXPECT_EQ(w.book.replenishments()[1].source_sequence, 2u);
  EXPECT_EQ(w.stats().replenishments_rejected, 1u);
  EXPECT_EQ(w.log.size(), 2u);
}

TEST(WmsReplenishment, ExpiresAfterTheTimeoutAndTriggersAgain) {
  WmsConfig c = replenishing_config();
  c.replenishment_timeout = sim::seconds(30);
  WmsWorld w(c);
  open_normally(w.book);
  w.start();
  consume(w, 1, 600);
  w.run_for(sim::seconds(29));
  EXPECT_EQ(w.book.replenishments().size(), 1u);
  w.run_for(sim::seconds(2));
  ASSERT_EQ(w.book.replenishments().size(), 2u);
  EXPECT_EQ(w.book.replenishments()[0].state, ReplenishmentState::kExpired);
  EXPECT_EQ(w.book.replenishments()[0].closed_at,
            sim::kTimeZero + kNetworkDelay + sim::seconds(30));
  EXPECT_EQ(w.book.replenishments()[1].state, ReplenishmentState::kOpen);
  EXPECT_EQ(w.stats().replenishments_expired, 1u);

  // A late arrival of the expired one changes stock but not its state.
  arrive(w, "wms:repl:P100/RM-100:1", 1, 5000);
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.book.replenishments()[0].state, ReplenishmentState::kExpired);
  EXPECT_EQ(w.book.replenishments()[0].legs_applied, 2u);
}

TEST(WmsReplenishment, TakesTheFirstReleasedLotThatHoldsTheQuantity) {
  WmsWorld w(replenishing_config());
  w.book.set_opening_stock(stock_key("L0", kLine), 500);
  w.book.set_opening_stock(stock_key("A1", kWarehouse), 3000);  // too little
  w.book.set_opening_stock(stock_key("B1", kWarehouse), 9000);  // on hold
  w.book.set_opening_stock(stock_key("C1", kWarehouse), 6000);  // this one
  w.book.set_opening_stock(stock_key("D1", kWarehouse), 90000);
  w.book.set_opening_lot_status(WmsLotKey{kErpPlant, kErpMaterial, "B1"},
                                proto::LOT_STATUS_QUALITY_HOLD);
  w.start();  // 500 is below 1000 from the start
  w.run_for(sim::seconds(1));
  ASSERT_EQ(w.book.replenishments().size(), 1u);
  EXPECT_EQ(w.book.replenishments()[0].lot, "C1");
  EXPECT_EQ(w.book.replenishments()[0].milli, 5000);
  EXPECT_EQ(w.book.replenishments()[0].created_at, sim::kTimeZero);
  EXPECT_EQ(w.script.distinct()[0].causation_id(), "");
}

TEST(WmsReplenishment, TransfersWhatTheLargestLotHoldsWhenNoneHoldsEnough) {
  WmsWorld w(replenishing_config());
  w.book.set_opening_stock(stock_key("A1", kWarehouse), 3000);
  w.book.set_opening_stock(stock_key("B1", kWarehouse), 4000);
  w.start();
  w.run_for(sim::seconds(1));
  ASSERT_EQ(w.book.replenishments().size(), 1u);
  EXPECT_EQ(w.book.replenishments()[0].lot, "B1");
  EXPECT_EQ(w.book.replenishments()[0].milli, 4000);
  EXPECT_EQ(w.script.distinct()[0].stock_transferred().quantity().milli(), 4000);
}

TEST(WmsReplenishment, AStarvedRuleWaitsForWarehouseStock) {
  WmsWorld w(replenishing_config());
  sim::MemoryTraceSink sink;
  w.sim.tracer().set_sink(&sink);
  w.start();  // nothing anywhere: below, and no stock to move
  consume(w, 1, 10);
  w.run_for(sim::seconds(1));
  EXPECT_TRUE(w.book.replenishments().empty());
  EXPECT_EQ(w.stats().replenishments_starved, 1u) << "counted and traced once, not per check";
  std::size_t traced = 0;
  for (const std::string& line : sink.lines()) {
    traced += line.find(" wms.replenish_starved ") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(traced, 1u);
  w.sim.tracer().set_sink(nullptr);

  w.notify(inventory("n-gr", "ev-gr", "po:1", 1, "L7", kWarehouse, 8000));  // a goods receipt
  w.run_for(sim::seconds(1));
  ASSERT_EQ(w.book.replenishments().size(), 1u);
  EXPECT_EQ(w.book.replenishments()[0].lot, "L7");
}

TEST(WmsCrash, ACrashKeepsTheBookAndTheRestartResendsTheSameEvent) {
  WmsWorld w(replenishing_config());
  w.script.ack_events = false;
  open_normally(w.book);
  w.start();
  consume(w, 1, 600);                                                    // applied, triggers
  w.notify(inventory("n-wo-3", "ev-wo-3", "wo:1", 3, "L0", kLine, -1));  // held
  w.run_for(sim::seconds(1));
  ASSERT_EQ(w.script.copies_of("wms:repl:P100/RM-100:1"), 1u);

  w.sim.crash(w.wms);
  consume(w, 2, 1);  // lost: the WMS is down
  w.run_for(sim::seconds(2));
  EXPECT_EQ(w.book.applied().size(), 1u);
  EXPECT_EQ(w.book.held_count(), 1u);
  EXPECT_EQ(w.book.replenishments().size(), 1u);
  EXPECT_EQ(w.book.outbox().size(), 1u);

  w.sim.start_node(w.wms);
  w.run_for(sim::seconds(6));
  EXPECT_EQ(w.book.replenishments().size(), 1u) << "still open: the restart must not add one";
  EXPECT_EQ(w.log.size(), 1u);
  EXPECT_EQ(w.script.copies_of("wms:repl:P100/RM-100:1"), 2u) << "the outbox is resent";
  EXPECT_EQ(w.script.distinct().size(), 1u);

  consume(w, 2, 1);  // the publisher's resend
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.book.last_sequence("wo:1"), 3u) << "the held one was kept across the crash";
  EXPECT_EQ(w.book.location_stock(kErpPlant, kErpMaterial, kLine), 1500 - 600 - 1 - 1);
  EXPECT_TRUE(w.book.anomalies().empty());
}

TEST(WmsConfigTest, ValidationNamesEveryProblem) {
  EXPECT_TRUE(validate_wms_config(WmsConfig{}).empty());
  EXPECT_TRUE(validate_wms_config(replenishing_config()).empty());
  WmsConfig c = replenishing_config();
  c.replenishment.push_back(line_rule());  // the same material and location again
  c.replenishment[0].plant_material = "";
  c.replenishment[0].reorder_point_milli = 0;
  c.replenishment[0].replenish_milli = -5;
  c.replenishment[0].warehouse_location = kLine;
  c.replenishment_timeout = sim::seconds(-1);
  c.max_held_notifications = 0;
  c.epoch_unix_ns = 0;
  c.sender.flush_interval = sim::Duration::zero();
  const std::vector<std::string> problems = validate_wms_config(c);
  const std::vector<std::string> expected_prefixes = {"wms.replenishment[0].plant_material",
                                                      "wms.replenishment[0]: line_location",
                                                      "wms.replenishment[0].reorder_point_milli",
                                                      "wms.replenishment[0].replenish_milli",
                                                      "wms.replenishment[1] watches",
                                                      "wms.replenishment_timeout",
                                                      "wms.max_held_notifications",
                                                      "wms.epoch_unix_ns",
                                                      "wms.sender.flush_interval"};
  ASSERT_EQ(problems.size(), expected_prefixes.size()) << ::testing::PrintToString(problems);
  for (std::size_t i = 0; i < problems.size(); ++i) {
    EXPECT_EQ(problems[i].rfind(expected_prefixes[i], 0), 0u) << problems[i];
  }
}

}  // namespace
}  // namespace mw::fakes
