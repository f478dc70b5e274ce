// The simulated MES's production model and ground truth: work-order event order and sequences,
// exact BOM consumption, lot picking, physical conservation, starved lines, the rate profile
// (shift-start bursts, quiet periods) and determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "fakes/mes/units.h"
#include "tests/fakes/mes/mes_harness.h"

namespace mw::fakes {
namespace {

using namespace mw::fakes::testing;

// Per work order: the logged events in creation order and their decoded envelopes.
struct Order {
  std::vector<const EmittedEvent*> events;
  std::vector<proto::EventEnvelope> envelopes;
};

// orders groups the well-formed logged events by ordering key; every one must have been
// received (the world runs with acks, and the caller lets delivery settle).
std::map<std::string, Order> orders(const MesWorld& w) {
  const auto received = w.received_by_id();
  std::map<std::string, Order> out;
  for (const EmittedEvent& e : w.log.events()) {
    if (e.malformed) continue;
    Order& o = out[e.ordering_key];
    o.events.push_back(&e);
    const auto it = received.find(e.event_id);
    if (it != received.end()) o.envelopes.push_back(*it->second.front()->envelope);
  }
  return out;
}

std::size_t events_between(const MesWorld& w, sim::Duration from, sim::Duration to) {
  std::size_t n = 0;
  for (const EmittedEvent& e : w.log.events()) {
    n += e.created_at >= sim::kTimeZero + from && e.created_at < sim::kTimeZero + to ? 1 : 0;
  }
  return n;
}

// settle stops production (a quiet period from now on) and lets delivery finish.
MesConfig quiet_after(MesConfig c, sim::Duration production) {
  c.quiet_periods.push_back({sim::kTimeZero + production, sim::kTimeMax});
  return c;
}

TEST(MesFake, WorkOrderEventsFollowTheRoutingWithSequencesFromOne) {
  MesConfig c = quiet_after(sample_config(), sim::minutes(20));
  c.scrap_probability = 0.3;
  const MesConfig config = c;
  MesWorld w(c);
  w.run_for(sim::minutes(21));
  const auto all = orders(w);
  ASSERT_GT(all.size(), 50u);
  std::size_t finished = 0;
  for (const auto& entry : all) {
    const std::string& key = entry.first;
    const Order& o = entry.second;
    ASSERT_EQ(o.envelopes.size(), o.events.size()) << key << ": not every event arrived";
    const proto::EventEnvelope& first = o.envelopes.front();
    ASSERT_EQ(first.event_type(), proto::WORK_ORDER_RELEASED) << key;
    const std::string wo = first.work_order_released().work_order();
    EXPECT_EQ(key, "wo:P100/" + wo);
    const Product* p = nullptr;
    for (const Product& candidate : config.products) {
      if (candidate.material == first.work_order_released().material()) p = &candidate;
    }
    ASSERT_NE(p, nullptr);
    // The expected shape, event by event.
    std::size_t i = 1;
    auto type_at = [&](std::size_t k) { return o.envelopes[k].event_type(); };
    for (const RoutingStep& op : p->routing) {
      if (i == o.envelopes.size()) break;
      ASSERT_EQ(type_at(i), proto::OPERATION_STARTED) << key << " event " << i;
      EXPECT_EQ(o.envelopes[i].operation_started().operation(), op.operation);
      ++i;
      for (const BomLine& b : p->bom) {
        const std::string& at = b.operation.empty() ? p->routing.front().operation : b.operation;
        if (at != op.operation || i == o.envelopes.size()) continue;
        ASSERT_EQ(type_at(i), proto::MATERIAL_CONSUMED) << key << " event " << i;
        EXPECT_EQ(o.envelopes[i].material_consumed().material(), b.material);
        ++i;
      }
      if (i < o.envelopes.size() && type_at(i) == proto::SCRAP_RECORDED) ++i;
      if (i == o.envelopes.size()) break;
      ASSERT_EQ(type_at(i), proto::OPERATION_COMPLETED) << key << " event " << i;
      EXPECT_EQ(o.envelopes[i].operation_completed().operation(), op.operation);
      ++i;
    }
    if (i < o.envelopes.size()) {
      ASSERT_EQ(type_at(i), proto::FINISHED_GOODS_REPORTED) << key;
      ++i;
      ++finished;
    }
    EXPECT_EQ(i, o.envelopes.size()) << key << ": events after the finished goods";
    for (std::size_t k = 0; k < o.events.size(); ++k) {
      EXPECT_EQ(o.events[k]->source_sequence, k + 1) << key;
      EXPECT_EQ(o.envelopes[k].source_sequence(), k + 1) << key;
      EXPECT_EQ(o.envelopes[k].event_id(), "P100-" + wo + "-" + std::to_string(k + 1));
      EXPECT_EQ(o.envelopes[k].correlation_id(), wo);
      EXPECT_EQ(o.envelopes[k].source().system(), "mes-P100");
      EXPECT_EQ(o.events[k]->source, "mes-P100");
    }
  }
  EXPECT_GT(finished, 40u);
  EXPECT_GT(w.stats().scrap_incidents, 0u);
}

TEST(MesFake, ConsumesExactlyTheBomAndReportsPlannedMinusScrappedUnits) {
  MesConfig c = quiet_after(sample_config(), sim::minutes(20));
  c.scrap_probability = 0.5;
  c.scrap_units_max = 3;
  const MesConfig config = c;
  MesWorld w(c);
  w.run_for(sim::minutes(21));
  std::size_t checked = 0;
  std::size_t scrapped_orders = 0;
  for (const auto& [key, o] : orders(w)) {
    if (o.envelopes.back().event_type() != proto::FINISHED_GOODS_REPORTED) continue;
    const auto& rel = o.envelopes.front().work_order_released();
    const Product* p = &config.products[rel.material() == "FG-100" ? 0 : 1];
    const std::int64_t units = rel.planned_quantity().milli() / 1000;
    std::map<std::string, std::int64_t> consumed;
    std::map<std::string, std::string> lots_consumed;  // material/lot -> where it was consumed
    std::int64_t scrapped = 0;
    std::int64_t good = rel.planned_quantity().milli();
    for (const auto& e : o.envelopes) {
      if (e.has_material_consumed()) {
        consumed[e.material_consumed().material()] += e.material_consumed().quantity().milli();
        lots_consumed[e.material_consumed().material() + "/" + e.material_consumed().lot()] =
            e.material_consumed().storage_location();
      }
      if (e.has_scrap_recorded()) {
        const auto& sr = e.scrap_recorded();
        const auto from = lots_consumed.find(sr.material() + "/" + sr.lot());
        ASSERT_NE(from, lots_consumed.end())
            << key << ": scrap of a lot the order did not consume from";
        EXPECT_FALSE(sr.storage_location().empty()) << key;
        EXPECT_EQ(sr.storage_location(), from->second)
            << key << ": scrap not where the lot was consumed";
        EXPECT_EQ(sr.reason_code(), "DMG");
      }
      if (e.has_operation_completed()) {
        const auto& oc = e.operation_completed();
        EXPECT_EQ(oc.yield_quantity().milli() + oc.scrap_quantity().milli(), good) << key;
        EXPECT_EQ(oc.yield_quantity().uom(), p->uom);
        EXPECT_GE(oc.yield_quantity().milli(), 1000) << key << ": at least one good unit";
        good = oc.yield_quantity().milli();
        scrapped += oc.scrap_quantity().milli();
      }
    }
    for (const BomLine& b : p->bom) {
      EXPECT_EQ(consumed[b.material], b.milli_per_unit * units) << key << " " << b.material;
    }
    const auto& fg = o.envelopes.back().finished_goods_reported();
    EXPECT_EQ(fg.quantity().milli(), rel.planned_quantity().milli() - scrapped) << key;
    EXPECT_EQ(fg.lot(), "P100-" + rel.work_order());
    EXPECT_EQ(fg.storage_location(), p->storage_location);
    scrapped_orders += scrapped > 0 ? 1 : 0;
    ++checked;
  }
  EXPECT_GT(checked, 40u);
  EXPECT_GT(scrapped_orders, 5u);
}

TEST(MesFake, OwnStockEqualsOpeningStockPlusLoggedEffects) {
  MesConfig c = sample_config();
  c.products[1].bom[0] = {"RM-100", 1100000, "G", "0010"};  // reported in grams, kept in KG
  c.scrap_probability = 0.3;
  c.malformed_probability = 0.1;
  MesWorld w(c);
  w.run_for(sim::minutes(30));
  std::map<PhysicalStockKey, std::int64_t> expected = w.state.stock().opening_balances();
  std::size_t effects = 0;
  const auto kept_in = material_stock_units(c);
  for (const EmittedEvent& e : w.log.events()) {
    if (e.malformed) {
      EXPECT_TRUE(e.effects.empty()) << e.event_id;
    }
    for (const PhysicalEffect& f : e.effects) {
      const auto milli = convert_milli(f.milli, f.uom, kept_in.at(f.material));
      ASSERT_TRUE(milli.has_value()) << e.event_id;
      expected[PhysicalStockKey{f.plant, f.material, f.lot, f.storage_location}] += *milli;
      ++effects;
    }
  }
  std::erase_if(expected, [](const auto& kv) { return kv.second == 0; });
  EXPECT_GT(effects, 1000u);
  EXPECT_EQ(expected, w.state.stock().balances());
  // Scrap is booked where its lot lies, as consumption is: every lot's balance sits at its own
  // storage location and equals what it holds, and nothing is booked at location "".
  std::size_t scrap_effects = 0;
  for (const EmittedEvent& e : w.log.events()) {
    if (e.type != proto::SCRAP_RECORDED) continue;
    for (const PhysicalEffect& f : e.effects) {
      EXPECT_FALSE(f.storage_location.empty()) << e.event_id;
      ++scrap_effects;
    }
  }
  EXPECT_GT(scrap_effects, 0u);
  const PhysicalStock& stock = w.state.stock();
  for (LotIndex i = 0; i < stock.lot_count(); ++i) {
    const PhysicalStock::Lot& l = stock.lot(i);
    const auto it = stock.balances().find({"P100", l.material, l.lot, l.storage_location});
    EXPECT_EQ(it == stock.balances().end() ? 0 : it->second, l.available)
        << l.material << "/" << l.lot;
  }
  for (const auto& [k, v] : stock.balances()) EXPECT_FALSE(k.storage_location.empty()) << k.lot;
}

TEST(MesFake, NeverTakesMoreFromALotThanItHoldsAndWaitsWhenStarved) {
  MesConfig c = sample_config();
  c.products.resize(1);  // FG-100 only: 2 KG of RM-100 per unit
  c.opening_stock = {
      {kPlant, "RM-100", "L1", "SL01", 500000, "KG"},   // 500 kg
      {kPlant, "RM-100", "L2", "SL01", 170000, "KG"},   // 170 kg
      {kPlant, "RM-100", "L3", "SL02", 1200000, "KG"},  // 1.2 t
      {kPlant, "RM-200", "L1", "SL01", 100000000, "EA"},
      {kPlant, "PK-300", "L1", "SL03", 100000000, "EA"},
  };
  c.scrap_probability = 0.5;
  MesWorld w(c);
  w.run_for(sim::minutes(30));
  // Replay the log: no lot (all its locations together) ever goes below zero.
  std::map<std::pair<std::string, std::string>, std::int64_t> lot;
  for (const OpeningLot& l : c.opening_stock) lot[{l.material, l.lot}] += l.milli;
  for (const EmittedEvent& e : w.log.events()) {
    for (const PhysicalEffect& f : e.effects) {
      std::int64_t& held = lot[{f.material, f.lot}];
      held += f.milli;
      ASSERT_GE(held, 0) << e.event_id << " took more from " << f.material << "/" << f.lot
                         << " than it held";
    }
  }
  EXPECT_GT(w.stats().stock_waits, 0u) << "1.87 t of RM-100 cannot last 30 minutes";
  for (std::size_t i = 0; i < w.state.stock().lot_count(); ++i) {
    EXPECT_GE(w.state.stock().lot(i).available, 0);
  }
  // Starved lines make nothing: the last RM-100 consumption is long before the end.
  sim::Time last{};
  for (const EmittedEvent& e : w.log.events()) {
    if (e.type == proto::MATERIAL_CONSUMED && !e.effects.empty() &&
        e.effects[0].material == "RM-100") {
      last = e.created_at;
    }
  }
  EXPECT_LT(last, w.now() - sim::minutes(10));
}

TEST(MesFake, ReportsABomInGramsAndTakesTheSameMassFromALotKeptInKilograms) {
  MesConfig c = sample_config();
  c.products = {c.products[1]};                             // FG-200 (KG): RM-100 per KG of product
  c.products[0].bom[0] = {"RM-100", 1100000, "G", "0010"};  // 1100 g
  c.lines = 1;
  c.work_order_units_min = c.work_order_units_max = 10;
  MesWorld w(c);
  w.run_for(sim::seconds(20));
  const EmittedEvent* consumed = nullptr;
  std::int64_t consumptions = 0;
  for (const EmittedEvent& e : w.log.events()) {
    if (e.type != proto::MATERIAL_CONSUMED) continue;
    if (consumed == nullptr) consumed = &e;
    ++consumptions;
  }
  ASSERT_NE(consumed, nullptr);
  ASSERT_EQ(consumed->effects.size(), 1u);
  EXPECT_EQ(consumed->effects[0].milli, -11000000);  // 11 kg, in milli-grams as reported
  EXPECT_EQ(consumed->effects[0].uom, "G");
  const auto got = w.received_by_id().at(consumed->event_id).front()->envelope;
  EXPECT_EQ(got->material_consumed().quantity().uom(), "G");
  const PhysicalStockKey l1{"P100", "RM-100", "L1", "SL01"};
  EXPECT_EQ(w.state.stock().opening_balances().at(l1) - w.state.stock().balances().at(l1),
            11000 * consumptions);  // 11 kg each, in milli-KG
}

TEST(MesFake, ConsumesTheOldestLotThatHoldsTheWholeQuantity) {
  MesConfig c = sample_config();
  c.products.resize(1);
  c.lines = 1;
  c.work_order_units_min = c.work_order_units_max = 30;  // 60 kg of RM-100 per order
  c.opening_stock = {
      {kPlant, "RM-100", "L1", "SL01", 50000, "KG"},    // never enough
      {kPlant, "RM-100", "L2", "SL01", 130000, "KG"},   // two orders, then 10 kg left
      {kPlant, "RM-100", "L3", "SL02", 1000000, "KG"},  // the rest
      {kPlant, "RM-200", "L1", "SL01", 100000000, "EA"},
      {kPlant, "PK-300", "L1", "SL03", 100000000, "EA"},
  };
  MesWorld w(c);
  w.run_for(sim::minutes(2));
  std::vector<std::string> lots;
  for (const EmittedEvent& e : w.log.events()) {
    if (e.type == proto::MATERIAL_CONSUMED && e.effects[0].material == "RM-100") {
      lots.push_back(e.effects[0].lot + "@" + e.effects[0].storage_location);
      EXPECT_EQ(e.effects[0].milli, -60000);
    }
  }
  ASSERT_GE(lots.size(), 4u);
  EXPECT_EQ(lots[0], "L2@SL01");
  EXPECT_EQ(lots[1], "L2@SL01");
  for (std::size_t i = 2; i < lots.size(); ++i) EXPECT_EQ(lots[i], "L3@SL02");
}

TEST(MesFake, FinishedGoodsBecomeLotsLaterOrdersCanConsume) {
  MesConfig c = sample_config();
  // FG-100 needs one KG of FG-200 per unit; FG-200 is made from RM-100. A small opening lot of
  // FG-200 lasts a few orders; after that only the lots the plant made can supply it.
  c.products[0].bom = {{"FG-200", 1000, "KG", "0010"}};
  c.work_order_units_min = 10;
  c.work_order_units_max = 20;
  c.opening_stock.push_back({kPlant, "FG-200", "OPEN1", "FG02", 60000, "KG"});
  MesWorld w(c);
  w.run_for(sim::minutes(30));
  std::size_t from_made_lots = 0;
  for (const EmittedEvent& e : w.log.events()) {
    if (e.type == proto::MATERIAL_CONSUMED && e.effects[0].material == "FG-200") {
      EXPECT_EQ(e.effects[0].storage_location, "FG02");
      from_made_lots += e.effects[0].lot.rfind("P100-", 0) == 0 ? 1 : 0;
    }
  }
  EXPECT_GT(from_made_lots, 5u) << "waits " << w.stats().stock_waits << " finished "
                                << w.stats().work_orders_finished << " by type "
                                << w.stats().events_by_type.size();
}

TEST(MesFake, QuietPeriodsProduceNothing) {
  MesConfig c = sample_config();
  c.quiet_periods = {{sim::kTimeZero + sim::minutes(10), sim::kTimeZero + sim::minutes(20)},
                     {sim::kTimeZero + sim::minutes(20), sim::kTimeZero + sim::minutes(25)}};
  MesWorld w(c);
  w.run_for(sim::minutes(35));
  EXPECT_GT(events_between(w, sim::minutes(0), sim::minutes(10)), 1000u);
  EXPECT_EQ(events_between(w, sim::minutes(10), sim::minutes(25)), 0u);
  EXPECT_GT(events_between(w, sim::minutes(25), sim::minutes(35)), 1000u);
  EXPECT_GE(w.stats().quiet_deferrals, 2u);  // each line's pending step moved to the end
}

TEST(MesFake, ShiftStartBurstRaisesTheRate) {
  MesConfig c = sample_config();
  c.events_per_second_per_line = 0.5;
  c.shift_length = sim::hours(1);
  c.shift_burst_duration = sim::minutes(10);
  c.shift_burst_multiplier = 4;
  MesWorld w(c);
  w.run_for(sim::minutes(130));
  for (int shift = 0; shift < 2; ++shift) {
    const sim::Duration start = sim::hours(shift);
    const std::size_t burst = events_between(w, start, start + sim::minutes(10));
    const std::size_t calm = events_between(w, start + sim::minutes(30), start + sim::minutes(40));
    // Expected 2 lines x 0.5/s x 600 s = 600 calm, four times that in the burst.
    EXPECT_GT(calm, 450u);
    EXPECT_LT(calm, 750u);
    EXPECT_GT(burst, 3 * calm) << "shift " << shift;
  }
}

TEST(MesFake, SameSeedGivesTheSameTraceDigest) {
  auto run = [](std::uint64_t seed) {
    MesConfig c = sample_config();
    c.scrap_probability = 0.2;
    c.malformed_probability = 0.05;
    c.sender.duplicate_probability = 0.1;
    c.sender.reorder_probability = 0.1;
    MesWorld w(c, seed);
    w.sim.schedule_crash(w.mes, sim::kTimeZero + sim::minutes(3), sim::seconds(30),
                         sim::CrashKind::kProcessCrash);
    w.run_for(sim::minutes(6));
    std::vector<std::string> ids;
    for (const EmittedEvent& e : w.log.events()) ids.push_back(e.event_id);
    return std::make_pair(w.sim.tracer().digest(), ids);
  };
  const auto a = run(7);
  const auto b = run(7);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  EXPECT_NE(a.first, run(8).first);
}

}  // namespace
}  // namespace mw::fakes
