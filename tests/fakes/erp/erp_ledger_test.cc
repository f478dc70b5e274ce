// The ERP's books and posting rules, without a simulation: effects of each command on stock,
// document numbers, lookups, and the order in which the rules reject.
#include <gtest/gtest.h>

#include "fakes/erp/ledger.h"
#include "fakes/erp/posting_rules.h"
#include "tests/fakes/erp/erp_harness.h"

namespace mw::fakes {
namespace {

using namespace mw::fakes::testing;

const sim::Time kT1 = sim::kTimeZero + sim::seconds(1);

TEST(ErpLedger, EveryCommandTypeHasItsStockEffect) {
  ErpLedger l;
  l.commit(goods_receipt("r1", "L1", "0001", 5000), kT1);
  l.commit(goods_issue("r2", "L1", "0001", 1200), kT1);
  l.commit(scrap("r3", "L1", "0001", 300), kT1);
  l.commit(transfer("r4", "L1", "0001", "0002", 1000), kT1);
  l.commit(adjustment("r5", "L1", "0002", -250), kT1);
  l.commit(confirmation("r6", 7000), kT1);
  l.commit(lot_status("r7", "L1", proto::LOT_STATUS_QUALITY_HOLD), kT1);

  EXPECT_EQ(l.stock(key("L1", "0001")), 5000 - 1200 - 300 - 1000);
  EXPECT_EQ(l.stock(key("L1", "0002")), 1000 - 250);
  EXPECT_EQ(l.all_stock().size(), 2u);  // the confirmation and the status change move no stock
  EXPECT_EQ(l.lot_status(LotKey{"P100", "RM-100", "L1"}), proto::LOT_STATUS_QUALITY_HOLD);
  EXPECT_EQ(l.postings().size(), 7u);
}

TEST(ErpLedger, ScrapLowersStockAtItsStorageLocationOnly) {
  ErpLedger l;
  l.set_opening_stock(key("L1", "0001"), 1000);
  l.set_opening_stock(key("L1", "0002"), 500);
  const std::vector<StockDelta> effects = stock_effects(scrap("r1", "L1", "0002", 200));
  ASSERT_EQ(effects.size(), 1u);
  EXPECT_EQ(effects[0].key, key("L1", "0002"));
  EXPECT_EQ(effects[0].milli, -200);
  l.commit(scrap("r1", "L1", "0002", 200), kT1);
  EXPECT_EQ(l.stock(key("L1", "0002")), 300);
  EXPECT_EQ(l.stock(key("L1", "0001")), 1000);
  EXPECT_EQ(l.stock(key("L1", "")), 0);
  EXPECT_EQ(l.all_stock().size(), 2u);
}

TEST(ErpLedger, DocumentNumbersAndSequencesFollowCommitOrder) {
  ErpLedger l;
  EXPECT_EQ(l.commit(confirmation("a", 1), kT1).document_number, "4900000001");
  EXPECT_EQ(l.commit(confirmation("b", 1), kT1).document_number, "4900000002");
  const Posting& third = l.commit(confirmation("c", 1), kT1 + sim::seconds(1));
  EXPECT_EQ(third.document_number, "4900000003");
  EXPECT_EQ(third.sequence, 3u);
  EXPECT_EQ(third.committed_at, kT1 + sim::seconds(1));
  EXPECT_EQ(third.source_event_id, "ev-c");
}

TEST(ErpLedger, LookupByReferenceReturnsEveryPostingInCommitOrder) {
  ErpLedger l;
  l.commit(goods_receipt("dup", "L1", "0001", 10), kT1);
  l.commit(goods_receipt("other", "L1", "0001", 10), kT1);
  l.commit(goods_receipt("dup", "L1", "0001", 10), kT1);
  const auto dup = l.postings_for("dup");
  ASSERT_EQ(dup.size(), 2u);
  EXPECT_EQ(dup[0]->document_number, "4900000001");
  EXPECT_EQ(dup[1]->document_number, "4900000003");
  EXPECT_EQ(l.first_posting_for("dup")->document_number, "4900000001");
  EXPECT_EQ(l.first_posting_for("missing"), nullptr);
  EXPECT_TRUE(l.postings_for("missing").empty());
  EXPECT_EQ(l.count_for_source_event("ev-dup"), 2u);
  EXPECT_EQ(l.count_for_source_event("ev-other"), 1u);
  EXPECT_EQ(l.count_for_source_event("ev-none"), 0u);
}

TEST(ErpLedger, ZeroBalancesAreDroppedAndOpeningStockIsRemembered) {
  ErpLedger l;
  l.set_opening_stock(key("L1", "0001"), 500);
  l.commit(goods_issue("r1", "L1", "0001", 500), kT1);
  EXPECT_EQ(l.stock(key("L1", "0001")), 0);
  EXPECT_TRUE(l.all_stock().empty());
  EXPECT_EQ(l.opening_stock().at(key("L1", "0001")), 500);
}

TEST(ErpLedger, LotStatusIsReleasedUnlessSet) {
  ErpLedger l;
  EXPECT_EQ(l.lot_status(LotKey{"P100", "RM-100", "L9"}), proto::LOT_STATUS_RELEASED);
  l.set_opening_lot_status(LotKey{"P100", "RM-100", "L9"}, proto::LOT_STATUS_BLOCKED);
  EXPECT_EQ(l.lot_status(LotKey{"P100", "RM-100", "L9"}), proto::LOT_STATUS_BLOCKED);
}

TEST(ErpLedger, PeriodChangesAreKeptWithTheirHistory) {
  ErpLedger l;
  l.change_period("2026-01", true, kT1);
  EXPECT_TRUE(l.period_closed("2026-01"));
  l.change_period("2026-01", false, kT1 + sim::seconds(1));
  EXPECT_FALSE(l.period_closed("2026-01"));
  ASSERT_EQ(l.period_history().size(), 2u);
  EXPECT_TRUE(l.period_history()[0].closed);
  EXPECT_EQ(l.period_history()[1].at, kT1 + sim::seconds(1));
}

TEST(PostingRules, CalendarDatesAreCheckedDayByDay) {
  EXPECT_TRUE(is_calendar_date("2024-02-29"));
  EXPECT_FALSE(is_calendar_date("2026-02-29"));
  EXPECT_FALSE(is_calendar_date("2026-13-01"));
  EXPECT_FALSE(is_calendar_date("2026-1-05"));
  EXPECT_FALSE(is_calendar_date(""));
  EXPECT_TRUE(is_period_name("2026-01"));
  EXPECT_FALSE(is_period_name("2026-00"));
}

proto::RejectionCode code_of(const ErpLedger& l, const ErpConfig& c, const proto::ErpCommand& cmd) {
  const auto r = check_command(l, c, cmd);
  return r ? r->code() : proto::REJECTION_CODE_UNSPECIFIED;
}

TEST(PostingRules, MalformedCommandsAreInvalid) {
  ErpLedger l;
  ErpConfig c;
  EXPECT_EQ(code_of(l, c, base("r")), proto::INVALID_COMMAND);  // no body
  EXPECT_EQ(code_of(l, c, goods_receipt("", "L1", "0001", 1)), proto::INVALID_COMMAND);
  EXPECT_EQ(code_of(l, c, goods_receipt("r", "L1", "0001", 0)), proto::INVALID_COMMAND);
  proto::ErpCommand bad_date = goods_receipt("r", "L1", "0001", 1);
  bad_date.set_posting_date("05.01.2026");
  EXPECT_EQ(code_of(l, c, bad_date), proto::INVALID_COMMAND);
  EXPECT_EQ(code_of(l, c, lot_status("r", "L1", proto::LOT_STATUS_UNSPECIFIED)),
            proto::INVALID_COMMAND);
  l.set_opening_stock(key("L1", "0001"), INT64_MAX);
  EXPECT_EQ(code_of(l, c, goods_receipt("r", "L1", "0001", 1)), proto::INVALID_COMMAND);
}

TEST(PostingRules, RulesRejectInTheirDocumentedOrder) {
  ErpLedger l;
  ErpConfig c;
  c.known_materials = {"RM-100"};
  l.change_period("2026-01", true, kT1);
  l.set_opening_lot_status(LotKey{"P100", "RM-100", "L1"}, proto::LOT_STATUS_BLOCKED);
  // An issue from an empty, blocked lot in a closed period: the period is named first.
  EXPECT_EQ(code_of(l, c, goods_issue("r", "L1", "0001", 1)), proto::CLOSED_PERIOD);
  EXPECT_EQ(code_of(l, c, goods_receipt("r", "L1", "0001", 1, "RM-999")), proto::UNKNOWN_MATERIAL);
  l.change_period("2026-01", false, kT1);
  EXPECT_EQ(code_of(l, c, goods_issue("r", "L1", "0001", 1)), proto::BLOCKED_LOT);
  EXPECT_EQ(code_of(l, c, goods_issue("r", "L2", "0001", 1)), proto::INSUFFICIENT_STOCK);
  // Receipts into a blocked lot and status changes in a closed period are allowed.
  EXPECT_EQ(code_of(l, c, goods_receipt("r", "L1", "0001", 1)), proto::REJECTION_CODE_UNSPECIFIED);
  l.change_period("2026-01", true, kT1);
  EXPECT_EQ(code_of(l, c, lot_status("r", "L1", proto::LOT_STATUS_RELEASED)),
            proto::REJECTION_CODE_UNSPECIFIED);
}

TEST(PostingRules, InsufficientStockOnlyForBalancesTheCommandLowers) {
  ErpLedger l;
  ErpConfig c;
  l.set_opening_stock(key("L1", "0001"), 1000);
  l.set_opening_stock(key("L1", "0002"), -50);  // already negative: a receipt may still land
  EXPECT_EQ(code_of(l, c, transfer("r", "L1", "0001", "0002", 1000)),
            proto::REJECTION_CODE_UNSPECIFIED);
  EXPECT_EQ(code_of(l, c, transfer("r", "L1", "0001", "0002", 1001)), proto::INSUFFICIENT_STOCK);
  EXPECT_EQ(code_of(l, c, adjustment("r", "L1", "0001", -1001)), proto::INSUFFICIENT_STOCK);
  EXPECT_EQ(code_of(l, c, scrap("r", "L1", "0001", 1001)), proto::INSUFFICIENT_STOCK);
  EXPECT_EQ(code_of(l, c, scrap("r", "L1", "0001", 1000)), proto::REJECTION_CODE_UNSPECIFIED);
  c.allow_negative_stock = true;
  EXPECT_EQ(code_of(l, c, scrap("r", "L1", "0001", 1001)), proto::REJECTION_CODE_UNSPECIFIED);
}

}  // namespace
}  // namespace mw::fakes
