// The oracles on hand-built runs: each holds on a clean run and fires, naming the event, the key
// and the times, on the one defect it exists to catch.
#include "properties/oracles/oracles.h"

#include <gtest/gtest.h>

#include <string>

namespace mw::props {
namespace {

constexpr const char* kKey = "wo:P100/4711";

// HandBuiltRun: a SourceLog, an ERP ledger and the core's view, built by hand.
struct HandBuiltRun {
  fakes::SourceLog sources;
  fakes::ErpLedger erp;
  core::MasterData master;
  OracleInput in;

  HandBuiltRun() {
    master.plants["P100"] = core::PlantInfo{"1000", "CC-1"};
    master.materials["RM-1"] = core::MaterialInfo{"100001", "KG"};
    master.conversions[{"G", "KG"}] = core::UomConversion{1, 1000};
    erp.set_opening_stock({"1000", "100001", "L1", "LINE"}, 100'000);
    in.sources = &sources;
    in.erp = &erp;
    in.master = &master;
    in.drained = true;
    in.drain_bound = sim::seconds(60);
  }

  // consume creates a consumption of `milli` KG of lot L1, sequence `seq` of kKey.
  void consume(const std::string& id, std::uint64_t seq, std::int64_t milli = 1000,
               const std::string& uom = "KG") {
    fakes::EmittedEvent e;
    e.event_id = id;
    e.source = "mes-P100";
    e.plant = "P100";
    e.type = proto::MATERIAL_CONSUMED;
    e.ordering_key = kKey;
    e.source_sequence = seq;
    e.created_at = sim::kTimeZero + sim::seconds(static_cast<std::int64_t>(seq));
    e.effects.push_back({"P100", "RM-1", "L1", "LINE", -milli, uom});
    sources.append(e);
  }
  // post commits the ERP posting of `id` (in KG milli-units of the base unit).
  void post(const std::string& id, std::int64_t base_milli = 1000) {
    proto::ErpCommand c;
    c.set_external_reference("mw:" + id);
    c.set_source_event_id(id);
    auto* g = c.mutable_goods_issue();
    g->set_plant("1000");
    g->set_material("100001");
    g->set_lot("L1");
    g->set_storage_location("LINE");
    g->mutable_quantity()->set_milli(base_milli);
    g->mutable_quantity()->set_uom("KG");
    erp.commit(
        c, sim::kTimeZero + sim::seconds(100 + static_cast<std::int64_t>(erp.postings().size())));
  }
  void core_state(const std::string& id, std::uint64_t seq, const std::string& state) {
    in.core_events.push_back(
        core::EventState{id, kKey, static_cast<std::int64_t>(seq), state, "", 0, 0});
  }
  void applied(const std::string& id, std::uint64_t seq) {
    if (in.downstream.empty()) in.downstream.push_back(Downstream{"wms", {}, {}});
    in.downstream[0].applied.push_back({"n-" + id, id, kKey, seq, sim::kTimeZero});
  }
  // clean_posted: event `id` created, accepted, posted once, applied downstream.
  void clean_posted(const std::string& id, std::uint64_t seq) {
    consume(id, seq);
    core_state(id, seq, "posted");
    post(id);
    applied(id, seq);
  }

  Verdict verdict(const std::string& oracle) {
    for (Verdict& v : check_all(in)) {
      if (v.oracle() == oracle) return v;
    }
    ADD_FAILURE() << "no oracle " << oracle;
    return Verdict(oracle);
  }
};

TEST(Oracles, ACleanRunHoldsEveryOracle) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  r.clean_posted("e2", 2);
  for (const Verdict& v : check_all(r.in)) EXPECT_TRUE(v.held()) << v.describe();
}

TEST(Oracles, NoLossFiresForAnEventTheMiddlewareNeverAccepted) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  r.consume("e2", 2);
  const Verdict v = r.verdict("no_loss");
  ASSERT_EQ(v.count(), 1u);
  EXPECT_EQ(v.violations()[0].event_ids, std::vector<std::string>{"e2"});
  EXPECT_EQ(v.violations()[0].key, kKey);
  EXPECT_NE(v.describe().find("never accepted"), std::string::npos);
}

TEST(Oracles, NoLossFiresForAnEventStillQueuedButNotForOneParkedBehindADeadLetter) {
  HandBuiltRun r;
  r.consume("e1", 1);
  r.core_state("e1", 1, "dead_lettered");
  r.in.dead_letters.push_back(
      core::DeadLetterRow{1, "e1", kKey, 1, "", "BUSINESS_REJECTION", "BLOCKED_LOT", 0, "parked"});
  r.consume("e2", 2);
  r.core_state("e2", 2, "queued");  // waits behind e1 by design
  EXPECT_TRUE(r.verdict("no_loss").held()) << r.verdict("no_loss").describe();
  r.in.dead_letters.clear();  // without the parked predecessor, e2 is simply stuck
  const Verdict v = r.verdict("no_loss");
  EXPECT_FALSE(v.held());
  EXPECT_NE(v.describe().find("still in flight"), std::string::npos);
}

TEST(Oracles, NoLossFiresWhenTheCoreSaysPostedButTheErpHasNothing) {
  HandBuiltRun r;
  r.consume("e1", 1);
  r.core_state("e1", 1, "posted");
  EXPECT_FALSE(r.verdict("no_loss").held());
}

TEST(Oracles, AMalformedEventMustBeQuarantined) {
  HandBuiltRun r;
  fakes::EmittedEvent bad;
  bad.event_id = "junk-1";
  bad.malformed = true;
  r.sources.append(bad);
  EXPECT_FALSE(r.verdict("no_loss").held());
  r.in.refused["junk-1"] = "undecodable";
  EXPECT_TRUE(r.verdict("no_loss").held());
}

TEST(Oracles, ExactlyOnceFiresForADoublePostingAndNamesBothDocuments) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  r.post("e1");
  const Verdict v = r.verdict("exactly_once");
  ASSERT_EQ(v.count(), 1u);
  EXPECT_NE(v.describe().find("posted 2 times"), std::string::npos);
  EXPECT_EQ(v.violations()[0].times.size(), 2u);
}

TEST(Oracles, ExactlyOnceFiresForAPostedDeadLetterAndAPhantomPosting) {
  HandBuiltRun r;
  r.consume("e1", 1);
  r.core_state("e1", 1, "dead_lettered");
  r.in.dead_letters.push_back(
      core::DeadLetterRow{1, "e1", kKey, 1, "", "BUSINESS_REJECTION", "x", 0, "parked"});
  r.post("e1");
  r.post("ghost");
  EXPECT_EQ(r.verdict("exactly_once").count(), 2u);
}

TEST(Oracles, SequencingFiresWhenAKeyIsPostedOutOfOrder) {
  HandBuiltRun r;
  r.consume("e1", 1);
  r.consume("e2", 2);
  r.core_state("e1", 1, "posted");
  r.core_state("e2", 2, "posted");
  r.post("e2");
  r.post("e1");
  const Verdict v = r.verdict("sequencing");
  ASSERT_EQ(v.count(), 1u);
  EXPECT_EQ(v.violations()[0].event_ids, (std::vector<std::string>{"e2", "e1"}));
}

TEST(Oracles, SequencingIgnoresARepeatedPostingWhichIsExactlyOncesFinding) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  r.clean_posted("e2", 2);
  r.post("e1");
  EXPECT_TRUE(r.verdict("sequencing").held());
  EXPECT_FALSE(r.verdict("exactly_once").held());
}

TEST(Oracles, ConservationConvertsUnitsAndFiresWhenStockDrifts) {
  HandBuiltRun r;
  r.consume("e1", 1, 2'000'000, "G");  // 2000 g = 2 kg
  r.core_state("e1", 1, "posted");
  r.post("e1", 2000);
  EXPECT_TRUE(r.verdict("conservation").held()) << r.verdict("conservation").describe();
  r.post("e1", 2000);  // a second posting moves the books away from the truth
  const Verdict v = r.verdict("conservation");
  ASSERT_EQ(v.count(), 1u);
  EXPECT_EQ(v.violations()[0].key, "1000/100001/L1");
}

TEST(Oracles, ConservationExcludesDeadLetters) {
  HandBuiltRun r;
  r.consume("e1", 1);
  r.core_state("e1", 1, "dead_lettered");
  r.in.dead_letters.push_back(
      core::DeadLetterRow{1, "e1", kKey, 1, "", "BUSINESS_REJECTION", "x", 0, "parked"});
  EXPECT_TRUE(r.verdict("conservation").held()) << r.verdict("conservation").describe();
}

TEST(Oracles, ConservationExcludesEventsWaitingBehindAParkedDeadLetter) {
  HandBuiltRun r;
  r.consume("e1", 1);
  r.core_state("e1", 1, "dead_lettered");
  r.in.dead_letters.push_back(
      core::DeadLetterRow{1, "e1", kKey, 1, "", "BUSINESS_REJECTION", "x", 0, "parked"});
  r.consume("e2", 2);
  r.core_state("e2", 2, "queued");
  EXPECT_TRUE(r.verdict("conservation").held()) << r.verdict("conservation").describe();
  r.in.dead_letters[0].status = "replayed";  // no longer parked: e2 is due in the books
  EXPECT_FALSE(r.verdict("conservation").held());
}

TEST(Oracles, DownstreamFiresForADoubleApplyAGapAndAnUnackedNotification) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  r.clean_posted("e2", 2);
  EXPECT_TRUE(r.verdict("downstream").held());
  r.applied("e1", 4);  // the same effect again, under a new notification, out of sequence
  r.in.notifications_pending = 1;
  const Verdict v = r.verdict("downstream");
  EXPECT_EQ(v.count(), 3u) << v.describe();
}

TEST(Oracles, DownstreamFiresWhenAPostedEventWasNeverApplied) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  r.consume("e2", 2);
  r.core_state("e2", 2, "posted");
  r.post("e2");
  const Verdict v = r.verdict("downstream");
  ASSERT_EQ(v.count(), 1u);
  EXPECT_EQ(v.violations()[0].event_ids, std::vector<std::string>{"e2"});
}

TEST(Oracles, LivenessFiresWhenTheWorldDidNotDrainInTime) {
  HandBuiltRun r;
  r.in.last_fault_end = sim::kTimeZero + sim::seconds(10);
  r.in.drained_at = sim::kTimeZero + sim::seconds(50);
  EXPECT_TRUE(r.verdict("liveness").held());
  r.in.drained_at = sim::kTimeZero + sim::seconds(71);
  EXPECT_FALSE(r.verdict("liveness").held());
  r.in.drained = false;
  r.in.backlog = "middleware queued 3";
  EXPECT_NE(r.verdict("liveness").describe().find("queued 3"), std::string::npos);
}

}  // namespace
}  // namespace mw::props
