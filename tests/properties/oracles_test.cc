// The oracles on hand-built runs: each holds on a clean run and fires, naming the event, the key
// and the times, on the one defect it exists to catch.
#include "properties/oracles/oracles.h"

#include <gtest/gtest.h>

#include <cstdint>
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
    if (in.downstream.empty()) in.downstream.push_back(Downstream{"wms", {}, {}, {}});
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
      core::DeadLetterRow{1, "e1", kKey, 1, "", "blocked_lot", "lot L1 is blocked", 0, "parked"});
  r.erp.record_rejection("e1", proto::BLOCKED_LOT, sim::kTimeZero + sim::seconds(5));
  r.consume("e2", 2);
  r.core_state("e2", 2, "queued");  // waits behind e1 by design
  EXPECT_TRUE(r.verdict("no_loss").held()) << r.verdict("no_loss").describe();
  r.in.dead_letters.clear();  // without the parked predecessor, e2 is simply stuck
  const Verdict v = r.verdict("no_loss");
  EXPECT_FALSE(v.held());
  EXPECT_NE(v.describe().find("still in flight"), std::string::npos);
}

TEST(Oracles, AnEventWaitingBehindASequenceRegressionIsNotParked) {
  // A regression parks nothing (its key passed it): what waits behind it is stuck, not parked.
  HandBuiltRun r;
  r.consume("e2", 2);
  r.core_state("e2", 2, "posted");
  r.post("e2");
  r.consume("e1", 1);
  r.in.core_events.push_back(core::EventState{"e1", kKey, 1, "dead_lettered", "", 10, 0});
  r.in.core_events[0].received_ns = 5;
  r.in.dead_letters.push_back(core::DeadLetterRow{2, "e1", kKey, 1, "", "sequence_regression",
                                                  "sequence 1 arrived late", 10, "parked"});
  r.consume("e3", 3);
  r.core_state("e3", 3, "queued");
  const Verdict v = r.verdict("no_loss");
  ASSERT_EQ(v.count(), 1u) << v.describe();
  EXPECT_EQ(v.violations()[0].event_ids, std::vector<std::string>{"e3"});
}

TEST(Oracles, NoLossFiresForADeadLetterTheWorldDoesNotExplain) {
  HandBuiltRun r;
  r.consume("e1", 1);
  r.core_state("e1", 1, "dead_lettered");
  r.in.dead_letters.push_back(
      core::DeadLetterRow{1, "e1", kKey, 1, "", "closed_period", "2026-01 closed", 0, "parked"});
  Verdict v = r.verdict("no_loss");
  ASSERT_EQ(v.count(), 1u) << v.describe();
  EXPECT_NE(v.describe().find("never refused it with CLOSED_PERIOD"), std::string::npos);
  r.erp.record_rejection("e1", proto::BLOCKED_LOT, sim::kTimeZero);  // another code: no excuse
  EXPECT_FALSE(r.verdict("no_loss").held());
  r.erp.record_rejection("e1", proto::CLOSED_PERIOD, sim::kTimeZero);
  EXPECT_TRUE(r.verdict("no_loss").held()) << r.verdict("no_loss").describe();
}

TEST(Oracles, AnUnknownMaterialDeadLetterIsExplainedOnlyByMasterDataThatCannotMapIt) {
  HandBuiltRun r;
  r.consume("e1", 1);  // RM-1 in KG: mappable
  r.core_state("e1", 1, "dead_lettered");
  r.in.dead_letters.push_back(
      core::DeadLetterRow{1, "e1", kKey, 1, "", "unknown_material", "no mapping", 0, "parked"});
  EXPECT_FALSE(r.verdict("no_loss").held());
  r.master.materials.erase("RM-1");
  EXPECT_TRUE(r.verdict("no_loss").held()) << r.verdict("no_loss").describe();
}

TEST(Oracles, AMaterialTheWorldWithheldExplainsDeadLettersParkedBeforeItsRelease) {
  HandBuiltRun r;
  core::MasterData at_start = r.master;
  at_start.materials.erase("RM-1");
  r.in.master_at_start = &at_start;
  r.in.master_released_ns = 1'000;
  r.consume("e1", 1);
  r.core_state("e1", 1, "dead_lettered");
  r.in.dead_letters.push_back(
      core::DeadLetterRow{1, "e1", kKey, 1, "", "unknown_material", "no mapping", 999, "parked"});
  EXPECT_TRUE(r.verdict("no_loss").held()) << r.verdict("no_loss").describe();
  r.in.dead_letters.back().parked_ns = 1'001;
  EXPECT_FALSE(r.verdict("no_loss").held()) << "after the release the middleware had the mapping";
}

TEST(Oracles, AGapDeadLetterNeedsAMissingSequenceNumberWhenItWasDeclared) {
  HandBuiltRun r;
  r.consume("e1", 1);
  r.consume("e2", 2);
  r.in.core_events.push_back(core::EventState{"e1", kKey, 1, "posted", "", 100, 0});
  r.post("e1");
  r.in.core_events.push_back(core::EventState{"e2", kKey, 2, "dead_lettered", "", 50, 0});
  r.in.dead_letters.push_back(core::DeadLetterRow{2, "e2", kKey, 2, "", "sequence_gap",
                                                  "1..1 never arrived", 80, "parked"});
  EXPECT_TRUE(r.verdict("no_loss").held()) << r.verdict("no_loss").describe();  // e1 came at 100
  r.in.core_events[0].received_ns = 70;  // e1 was there before the gap was declared at 80
  const Verdict v = r.verdict("no_loss");
  EXPECT_FALSE(v.held());
  EXPECT_NE(v.describe().find("sequence gap was declared"), std::string::npos);
}

TEST(Oracles, SequencingFiresForAnEventPostedPastAParkedDeadLetter) {
  HandBuiltRun r;
  r.consume("e1", 1);
  r.core_state("e1", 1, "dead_lettered");
  r.erp.record_rejection("e1", proto::BLOCKED_LOT, sim::kTimeZero);
  r.in.dead_letters.push_back(
      core::DeadLetterRow{1, "e1", kKey, 1, "", "blocked_lot", "blocked", 0, "parked"});
  r.clean_posted("e2", 2);
  const Verdict v = r.verdict("sequencing");
  ASSERT_EQ(v.count(), 1u) << v.describe();
  EXPECT_NE(v.describe().find("past the parked dead letter at sequence 1"), std::string::npos);
}

TEST(Oracles, OperatorPhaseHoldsWhenEverythingIsPostedOnceAfterTheReplay) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  r.clean_posted("e2", 2);
  EXPECT_TRUE(check_operator_phase(r.in).held()) << check_operator_phase(r.in).describe();
}

TEST(Oracles, OperatorPhaseFiresForAnEventStillParkedOrNeverPostedAfterTheReplay) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  r.consume("e2", 2);
  r.core_state("e2", 2, "dead_lettered");
  r.erp.record_rejection("e2", proto::CLOSED_PERIOD, sim::kTimeZero);
  r.in.dead_letters.push_back(
      core::DeadLetterRow{2, "e2", kKey, 2, "", "closed_period", "closed", 0, "parked"});
  for (const Verdict& v : check_all(r.in)) EXPECT_TRUE(v.held()) << v.describe();
  const Verdict v = check_operator_phase(r.in);
  ASSERT_FALSE(v.held());
  EXPECT_EQ(v.violations()[0].event_ids, std::vector<std::string>{"e2"});
  EXPECT_NE(v.describe().find("still dead-lettered"), std::string::npos);
  r.in.drained = false;
  r.in.backlog = "middleware unfinished 1";
  EXPECT_NE(check_operator_phase(r.in).describe().find("not drained"), std::string::npos);
}

TEST(Oracles, OperatorPhaseAcceptsADiscardOnlyForAQuantityNoMasterDataConvertsExactly) {
  HandBuiltRun r;
  r.consume("e1", 1, 1'500, "G");  // 1.5 G is 1.5 milli-KG: no exact conversion
  r.core_state("e1", 1, "discarded");
  r.in.dead_letters.push_back(core::DeadLetterRow{1, "e1", kKey, 1, "", "unit_conversion",
                                                  "not exact", 0, "discarded"});
  r.consume("e2", 2);
  r.core_state("e2", 2, "posted");
  r.post("e2");
  r.applied("e2", 1);  // the publisher numbers a key's notifications: the first is 1
  EXPECT_TRUE(check_operator_phase(r.in).held()) << check_operator_phase(r.in).describe();
  EXPECT_TRUE(r.verdict("no_loss").held()) << r.verdict("no_loss").describe();

  HandBuiltRun exact;  // 2 G converts: discarding it gave up on a postable event
  exact.consume("e1", 1, 2'000, "G");
  exact.core_state("e1", 1, "discarded");
  exact.in.dead_letters.push_back(core::DeadLetterRow{1, "e1", kKey, 1, "", "unit_conversion",
                                                      "not exact", 0, "discarded"});
  const Verdict v = check_operator_phase(exact.in);
  ASSERT_FALSE(v.held());
  EXPECT_NE(v.describe().find("still discarded"), std::string::npos) << v.describe();
  EXPECT_FALSE(exact.verdict("no_loss").held()) << "and no_loss finds the dead letter unexplained";
}

TEST(Oracles, OperatorPhaseFiresForAReplayPostedOutOfOrder) {
  HandBuiltRun r;
  r.consume("e1", 1);
  r.core_state("e1", 1, "posted");
  r.clean_posted("e2", 2);
  r.post("e1");  // the replayed e1 lands after e2
  r.applied("e1", 2);
  const Verdict v = check_operator_phase(r.in);
  EXPECT_NE(v.describe().find("sequencing after the replay"), std::string::npos) << v.describe();
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

TEST(Oracles, ACopyWithAnotherPayloadMustBeQuarantinedWhileTheFirstStaysPosted) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  r.sources.append_conflicting_copy({"e1", "mes-P100", kKey, sim::kTimeZero + sim::seconds(9)});
  const Verdict dropped = r.verdict("no_loss");
  ASSERT_EQ(dropped.count(), 1u);
  EXPECT_NE(dropped.describe().find("taken for a duplicate and dropped"), std::string::npos);
  r.in.quarantine.push_back(core::QuarantineRow{1, 0, "mes-P100", "e1", 0, "raw",
                                                "event id 'e1' reused with a different payload", 3, ""});
  EXPECT_TRUE(r.verdict("no_loss").held());
  EXPECT_TRUE(r.verdict("exactly_once").held());
  EXPECT_TRUE(r.verdict("conservation").held());
}

// reissue: the MES sends e1 again as "e1-reissued" (same fact, new id); the core takes the
// copy for a sequence regression and dead-letters it without parking the key.
void reissue_e1(HandBuiltRun& r) {
  r.sources.append_reissued_copy(
      {"e1-reissued", "e1", "mes-P100", kKey, sim::kTimeZero + sim::seconds(9)});
  r.core_state("e1-reissued", 1, "dead_lettered");
  r.in.dead_letters.push_back(core::DeadLetterRow{2, "e1-reissued", kKey, 1, "",
                                                  "sequence_regression", "already passed", 0,
                                                  "parked"});
}

TEST(Oracles, AReissuedCopyDeadLetteredAsARegressionBreaksNoOracle) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  r.clean_posted("e2", 2);
  reissue_e1(r);
  for (const Verdict& v : check_all(r.in)) EXPECT_TRUE(v.held()) << v.describe();
  const Verdict parked = check_operator_phase(r.in);
  ASSERT_EQ(parked.count(), 1u) << "a copy left parked after the replay was not recognised";
  EXPECT_EQ(parked.violations()[0].event_ids, (std::vector<std::string>{"e1", "e1-reissued"}));
  EXPECT_NE(parked.describe().find("still parked after the replay"), std::string::npos);
  r.in.core_events.back().state = "discarded";  // the replay finished it as already posted
  r.in.dead_letters.back().status = "already_posted";
  EXPECT_TRUE(check_operator_phase(r.in).held()) << check_operator_phase(r.in).describe();
}

TEST(Oracles, AReissuedCopyThatOvertookItsOriginalExplainsTheOriginalsRegression) {
  HandBuiltRun r;  // through an edge the copy came first, took number 1, and was posted
  r.consume("e1", 1);
  r.sources.append_reissued_copy(
      {"e1-reissued", "e1", "mes-P100", kKey, sim::kTimeZero + sim::seconds(9)});
  r.core_state("e1-reissued", 1, "posted");
  r.in.core_events.back().received_ns = 5;
  r.post("e1-reissued");
  r.applied("e1-reissued", 1);
  r.core_state("e1", 1, "dead_lettered");
  r.in.core_events.back().received_ns = 7;
  r.in.dead_letters.push_back(core::DeadLetterRow{2, "e1", kKey, 1, "", "sequence_regression",
                                                  "passed while held", 0, "parked"});
  for (const Verdict& v : check_all(r.in)) EXPECT_TRUE(v.held()) << v.describe();
  r.in.core_events.back().received_ns = 3;  // the original came first: nothing passed it
  EXPECT_FALSE(r.verdict("no_loss").held());
}

TEST(Oracles, ExactlyOnceCountsAPostingOfAReissuedCopyAsASecondPostingOfItsFact) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  reissue_e1(r);
  r.post("e1-reissued");  // the copy replayed and posted: the fact is booked twice
  const Verdict v = r.verdict("exactly_once");
  ASSERT_EQ(v.count(), 1u) << v.describe();
  EXPECT_EQ(v.violations()[0].event_ids, std::vector<std::string>{"e1"});
  EXPECT_NE(v.describe().find("posted 2 times"), std::string::npos) << v.describe();
  EXPECT_NE(v.describe().find("(as e1-reissued)"), std::string::npos) << v.describe();
  EXPECT_FALSE(check_operator_phase(r.in).held()) << "and the replay's books show it too";
}

TEST(Oracles, AFactPostedOnceUnderItsCopysIdIsPostedForEveryOracle) {
  HandBuiltRun r;  // the copy was posted first; the original was finished as already posted
  r.consume("e1", 1);
  r.core_state("e1", 1, "discarded");
  r.in.dead_letters.push_back(core::DeadLetterRow{1, "e1", kKey, 1, "", "closed_period",
                                                  "closed", 0, "already_posted"});
  r.erp.record_rejection("e1", proto::CLOSED_PERIOD, sim::kTimeZero);
  r.sources.append_reissued_copy(
      {"e1-reissued", "e1", "mes-P100", kKey, sim::kTimeZero + sim::seconds(9)});
  r.core_state("e1-reissued", 1, "posted");
  r.post("e1-reissued");
  r.applied("e1-reissued", 1);
  for (const Verdict& v : check_all(r.in)) EXPECT_TRUE(v.held()) << v.describe();
  EXPECT_TRUE(check_operator_phase(r.in).held()) << check_operator_phase(r.in).describe();
}

// corrupt: a garbage record on kKey with a sequence number near 2^63, nothing physical.
void corrupt(HandBuiltRun& r, const std::string& id) {
  fakes::EmittedEvent e;
  e.event_id = id;
  e.source = "mes-P100";
  e.plant = "P100";
  e.type = proto::MATERIAL_CONSUMED;
  e.ordering_key = kKey;
  e.source_sequence = 9'223'372'036'854'775'000ULL;
  e.corrupt_sequence = true;
  r.sources.append(e);
}

TEST(Oracles, ACorruptSequenceNumberMustBeSetAsideAndNeverPosted) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  corrupt(r, "P100-S1");
  r.core_state("P100-S1", 9'223'372'036'854'775'000ULL, "dead_lettered");
  r.in.dead_letters.push_back(core::DeadLetterRow{2, "P100-S1", kKey, INT64_MAX, "",
                                                  "sequence_out_of_range", "far ahead", 0,
                                                  "parked"});
  r.clean_posted("e2", 2);
  for (const Verdict& v : check_all(r.in)) EXPECT_TRUE(v.held()) << v.describe();
  r.in.dead_letters.back().status = "discarded";  // what the operator does with it
  r.in.core_events[1].state = "discarded";
  EXPECT_TRUE(check_operator_phase(r.in).held()) << check_operator_phase(r.in).describe();

  r.in.core_events[1].state = "posted";  // a sequencer that took the number for a gap
  r.post("P100-S1");
  const Verdict v = r.verdict("no_loss");
  EXPECT_NE(v.describe().find("corrupt sequence number"), std::string::npos) << v.describe();
  EXPECT_FALSE(r.verdict("conservation").held()) << "garbage moved stock in the ERP";
  EXPECT_FALSE(check_operator_phase(r.in).held());
}

TEST(Oracles, OnlyACorruptNumberExplainsAnOutOfRangeDeadLetterAndItExplainsNoRegression) {
  HandBuiltRun r;
  r.consume("e1", 1);  // numbered in order by its source, dead-lettered as out of range
  r.core_state("e1", 1, "dead_lettered");
  r.in.dead_letters.push_back(core::DeadLetterRow{1, "e1", kKey, 1, "", "sequence_out_of_range",
                                                  "far ahead", 0, "parked"});
  const Verdict out_of_range = r.verdict("no_loss");
  EXPECT_NE(out_of_range.describe().find("its source numbered it in order"), std::string::npos)
      << out_of_range.describe();

  HandBuiltRun passed;  // the corrupt number moved the key, so e2 came as a "regression"
  corrupt(passed, "P100-S1");
  passed.core_state("P100-S1", 5, "posted");
  passed.in.core_events.back().received_ns = 1;
  passed.consume("e2", 2);
  passed.core_state("e2", 2, "dead_lettered");
  passed.in.core_events.back().received_ns = 2;
  passed.in.dead_letters.push_back(core::DeadLetterRow{2, "e2", kKey, 2, "",
                                                       "sequence_regression", "passed", 0,
                                                       "parked"});
  const Verdict v = passed.verdict("no_loss");
  EXPECT_NE(v.describe().find("sequence regression was declared"), std::string::npos)
      << v.describe();
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

TEST(Oracles, DownstreamFiresWhenTheSubscribersStockDisagreesWithTheErpAfterEveryChangeApplied) {
  HandBuiltRun r;
  r.clean_posted("e1", 1);
  r.clean_posted("e2", 2);
  const fakes::StockKey line{"1000", "100001", "L1", "LINE"};
  r.in.downstream[0].stock = std::map<fakes::StockKey, std::int64_t>{{line, 98'000}};
  EXPECT_TRUE(r.verdict("downstream").held()) << r.verdict("downstream").describe();
  // Both changes applied once and in order, but with the wrong sign: the books disagree.
  r.in.downstream[0].stock = std::map<fakes::StockKey, std::int64_t>{{line, 102'000}};
  const Verdict v = r.verdict("downstream");
  ASSERT_EQ(v.count(), 1u) << v.describe();
  EXPECT_NE(v.describe().find("wms holds 102000 milli-units of 1000/100001/L1/LINE, the ERP 98000"),
            std::string::npos)
      << v.describe();
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
