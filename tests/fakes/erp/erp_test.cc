// The simulated ERP's business behaviour through the wire: postings and their documents,
// idempotency by flavor, queries, periods on a schedule, lot status, stock, and latency.
// Every test runs an "erp" node and a scripted "client" node on a 1 ms network.
#include <gtest/gtest.h>

#include "tests/fakes/erp/erp_harness.h"

namespace mw::fakes {
namespace {

using namespace mw::fakes::testing;

constexpr sim::Duration kLatency = sim::milliseconds(100);
constexpr sim::Duration kRoundTrip = kLatency + 2 * kNetworkDelay;

TEST(ErpFake, PostsEveryCommandTypeWithDocumentsInCommitOrder) {
  ErpWorld w(fixed_latency(kLatency));
  const std::vector<proto::ErpCommand> commands = {
      goods_receipt("r1", "L1", "0001", 5000),
      goods_issue("r2", "L1", "0001", 1200),
      scrap("r3", "L1", "0001", 300),
      transfer("r4", "L1", "0001", "0002", 1000),
      adjustment("r5", "L1", "0002", -250),
      confirmation("r6", 7000),
      lot_status("r7", "L1", proto::LOT_STATUS_BLOCKED)};
  std::vector<std::uint64_t> ids;
  for (const auto& c : commands) {
    ids.push_back(w.post(c));
    w.run_for(kRoundTrip);  // one at a time: commit order is send order
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const Received* r = w.reply_to(ids[i]);
    ASSERT_NE(r, nullptr) << "no reply to command " << i;
    ASSERT_TRUE(r->reply.has_success()) << r->reply.ShortDebugString();
    EXPECT_EQ(r->reply.success().document_number(), "490000000" + std::to_string(i + 1));
    EXPECT_FALSE(r->reply.success().duplicate());
  }
  EXPECT_EQ(w.ledger.stock(key("L1", "0001")), 5000 - 1200 - 300 - 1000);
  EXPECT_EQ(w.ledger.stock(key("L1", "0002")), 750);
  EXPECT_EQ(w.ledger.lot_status(LotKey{"P100", "RM-100", "L1"}), proto::LOT_STATUS_BLOCKED);
  EXPECT_EQ(w.stats().posted, 7u);
}

TEST(ErpFake, CloudErpAnswersARepeatedReferenceWithTheFirstDocumentAndPostsNothing) {
  ErpWorld w(fixed_latency(kLatency, ErpFlavor::kCloud));
  const auto first = w.post(goods_receipt("mw:e1", "L1", "0001", 1000));
  w.run_for(kRoundTrip);
  const auto repeat = w.post(goods_receipt("mw:e1", "L1", "0001", 1000));
  w.run_for(kRoundTrip);
  ASSERT_NE(w.reply_to(repeat), nullptr);
  const auto& s = w.reply_to(repeat)->reply.success();
  EXPECT_EQ(s.document_number(), w.reply_to(first)->reply.success().document_number());
  EXPECT_TRUE(s.duplicate());
  EXPECT_EQ(w.ledger.postings().size(), 1u);
  EXPECT_EQ(w.ledger.stock(key("L1", "0001")), 1000);
  EXPECT_EQ(w.stats().duplicates_absorbed, 1u);
}

TEST(ErpFake, CloudErpPostsConcurrentRepeatsOnce) {
  ErpWorld w(fixed_latency(kLatency, ErpFlavor::kCloud));
  const auto a = w.post(goods_receipt("mw:e1", "L1", "0001", 1000));
  const auto b = w.post(goods_receipt("mw:e1", "L1", "0001", 1000));
  w.run_for(kRoundTrip);
  EXPECT_FALSE(w.reply_to(a)->reply.success().duplicate());
  EXPECT_TRUE(w.reply_to(b)->reply.success().duplicate());
  EXPECT_EQ(w.ledger.postings_for("mw:e1").size(), 1u);
}

TEST(ErpFake, LegacyErpPostsARepeatedCommandTwice) {
  ErpWorld w(fixed_latency(kLatency, ErpFlavor::kLegacy));
  const auto first = w.post(goods_receipt("mw:e1", "L1", "0001", 1000));
  w.run_for(kRoundTrip);
  const auto repeat = w.post(goods_receipt("mw:e1", "L1", "0001", 1000));
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.reply_to(first)->reply.success().document_number(), "4900000001");
  EXPECT_EQ(w.reply_to(repeat)->reply.success().document_number(), "4900000002");
  EXPECT_FALSE(w.reply_to(repeat)->reply.success().duplicate());
  EXPECT_EQ(w.ledger.postings_for("mw:e1").size(), 2u);
  EXPECT_EQ(w.ledger.count_for_source_event("ev-mw:e1"), 2u);
  EXPECT_EQ(w.ledger.stock(key("L1", "0001")), 2000);
}

TEST(ErpFake, QueryByReferenceFindsTheFirstPostingOrNothing) {
  ErpWorld w(fixed_latency(kLatency, ErpFlavor::kLegacy));
  w.post(goods_receipt("mw:e1", "L1", "0001", 1000));
  w.post(goods_receipt("mw:e1", "L1", "0001", 1000));
  w.run_for(kRoundTrip);
  const auto found = w.query("mw:e1");
  const auto missing = w.query("mw:e2");
  w.run_for(kRoundTrip);
  const auto& f = w.reply_to(found)->reply.query_result();
  EXPECT_TRUE(f.found());
  EXPECT_EQ(f.document_number(), "4900000001");
  const auto& m = w.reply_to(missing)->reply.query_result();
  EXPECT_FALSE(m.found());
  EXPECT_EQ(m.document_number(), "");
  EXPECT_EQ(w.stats().queries, 2u);
}

TEST(ErpFake, ClosedPeriodRejectsUntilItIsReopenedOnSchedule) {
  ErpConfig c = fixed_latency(kLatency);
  c.period_schedule = {{sim::kTimeZero, "2026-01", PeriodAction::kClose},
                       {sim::kTimeZero + sim::seconds(10), "2026-01", PeriodAction::kReopen}};
  ErpWorld w(c);
  EXPECT_TRUE(w.ledger.period_closed("2026-01"));
  const auto early = w.post(goods_receipt("mw:e1", "L1", "0001", 1000));
  w.run_for(sim::seconds(10));
  const auto& rej = w.reply_to(early)->reply.rejection();
  EXPECT_EQ(rej.code(), proto::CLOSED_PERIOD);
  EXPECT_NE(rej.message().find("2026-01"), std::string::npos);
  EXPECT_FALSE(w.ledger.period_closed("2026-01"));
  const auto late = w.post(goods_receipt("mw:e1", "L1", "0001", 1000));
  w.run_for(kRoundTrip);
  EXPECT_TRUE(w.reply_to(late)->reply.has_success());
  EXPECT_EQ(w.stats().rejected.at(proto::CLOSED_PERIOD), 1u);
  EXPECT_EQ(w.ledger.period_history().size(), 2u);
}

TEST(ErpFake, ThePeriodScheduleCatchesUpAfterACrash) {
  ErpConfig c = fixed_latency(kLatency);
  c.period_schedule = {{sim::kTimeZero + sim::seconds(5), "2026-01", PeriodAction::kClose}};
  ErpWorld w(c);
  w.sim.schedule_crash(w.erp, sim::kTimeZero + sim::seconds(4), sim::seconds(2),
                       sim::CrashKind::kProcessCrash);
  w.run_for(sim::seconds(5) + sim::milliseconds(500));
  EXPECT_FALSE(w.ledger.period_closed("2026-01"));  // the ERP is down at 5 s
  w.run_for(sim::seconds(1));
  EXPECT_TRUE(w.ledger.period_closed("2026-01"));  // applied when it came back at 6 s
  EXPECT_EQ(w.ledger.period_history()[0].at, sim::kTimeZero + sim::seconds(6));
}

TEST(ErpFake, TheDecisionIsTakenAtTheEndOfTheProcessingLatency) {
  ErpConfig c = fixed_latency(kLatency);
  c.period_schedule = {{sim::kTimeZero + sim::milliseconds(50), "2026-01", PeriodAction::kClose}};
  ErpWorld w(c);
  const auto id = w.post(goods_receipt("mw:e1", "L1", "0001", 1000));  // arrives at 1 ms
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.reply_to(id)->reply.rejection().code(), proto::CLOSED_PERIOD);
}

TEST(ErpFake, LotOnQualityHoldBlocksIssuesUntilReleased) {
  ErpWorld w(fixed_latency(kLatency));
  w.ledger.set_opening_stock(key("L1", "0001"), 10'000);
  w.post(lot_status("s1", "L1", proto::LOT_STATUS_QUALITY_HOLD));
  w.run_for(kRoundTrip);
  const auto issue = w.post(goods_issue("i1", "L1", "0001", 100));
  const auto scrapped = w.post(scrap("x1", "L1", "0001", 100));
  const auto moved = w.post(transfer("t1", "L1", "0001", "0002", 100));
  w.run_for(kRoundTrip);
  for (auto id : {issue, scrapped, moved}) {
    EXPECT_EQ(w.reply_to(id)->reply.rejection().code(), proto::BLOCKED_LOT);
  }
  w.post(lot_status("s2", "L1", proto::LOT_STATUS_RELEASED));
  w.run_for(kRoundTrip);
  const auto again = w.post(goods_issue("i1", "L1", "0001", 100));
  w.run_for(kRoundTrip);
  EXPECT_TRUE(w.reply_to(again)->reply.has_success());
  EXPECT_EQ(w.ledger.stock(key("L1", "0001")), 9'900);
  EXPECT_EQ(w.stats().rejected.at(proto::BLOCKED_LOT), 3u);
}

TEST(ErpFake, InsufficientStockIsRejectedAndPostsNothing) {
  ErpWorld w(fixed_latency(kLatency));
  w.ledger.set_opening_stock(key("L1", "0001"), 500);
  const auto id = w.post(goods_issue("i1", "L1", "0001", 501));
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.reply_to(id)->reply.rejection().code(), proto::INSUFFICIENT_STOCK);
  EXPECT_TRUE(w.ledger.postings().empty());
  EXPECT_EQ(w.ledger.stock(key("L1", "0001")), 500);
}

TEST(ErpFake, NegativeStockIsPostedWhenAllowed) {
  ErpConfig c = fixed_latency(kLatency);
  c.allow_negative_stock = true;
  ErpWorld w(c);
  const auto id = w.post(goods_issue("i1", "L1", "0001", 501));
  w.run_for(kRoundTrip);
  EXPECT_TRUE(w.reply_to(id)->reply.has_success());
  EXPECT_EQ(w.ledger.stock(key("L1", "0001")), -501);
}

TEST(ErpFake, UnknownMaterialIsRejected) {
  ErpConfig c = fixed_latency(kLatency);
  c.known_materials = {"RM-100"};
  ErpWorld w(c);
  const auto known = w.post(goods_receipt("r1", "L1", "0001", 1, "RM-100"));
  const auto unknown = w.post(goods_receipt("r2", "L1", "0001", 1, "RM-999"));
  w.run_for(kRoundTrip);
  EXPECT_TRUE(w.reply_to(known)->reply.has_success());
  EXPECT_EQ(w.reply_to(unknown)->reply.rejection().code(), proto::UNKNOWN_MATERIAL);
}

TEST(ErpFake, ReplyArrivesNoEarlierThanTheProcessingLatency) {
  ErpWorld w(fixed_latency(sim::seconds(3)));
  const sim::Time sent = w.now();
  const auto id = w.post(goods_receipt("r1", "L1", "0001", 1));
  w.run_for(sim::seconds(3));
  EXPECT_EQ(w.reply_to(id), nullptr);
  EXPECT_TRUE(w.ledger.postings().empty());  // not committed before the end of processing
  w.run_for(sim::seconds(1));
  ASSERT_NE(w.reply_to(id), nullptr);
  EXPECT_EQ(w.reply_to(id)->at - sent, sim::seconds(3) + 2 * kNetworkDelay);
  EXPECT_EQ(w.ledger.postings()[0].committed_at - sent, sim::seconds(3) + kNetworkDelay);
}

TEST(ErpFake, LognormalLatencyStaysWithinItsCap) {
  ErpConfig c;
  c.latency_median = sim::milliseconds(100);
  c.latency_sigma = 1.5;
  c.latency_max = sim::milliseconds(400);
  ErpWorld w(c);
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(w.post(confirmation("c" + std::to_string(i), 1)));
  w.run_for(sim::seconds(1));
  int slow = 0;
  for (auto id : ids) {
    ASSERT_NE(w.reply_to(id), nullptr);
    const sim::Duration rtt = w.reply_to(id)->at - sim::kTimeZero;
    EXPECT_LE(rtt, sim::milliseconds(400) + 2 * kNetworkDelay);
    slow += rtt > sim::milliseconds(100) + 2 * kNetworkDelay ? 1 : 0;
  }
  EXPECT_GT(slow, 60);  // about half are slower than the median
  EXPECT_LT(slow, 140);
}

}  // namespace
}  // namespace mw::fakes
