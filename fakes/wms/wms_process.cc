#include "fakes/wms/wms_process.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

#include "fakes/common/canonical_event.h"
#include "fakes/common/process_factory.h"
#include "middleware/proto/events.pb.h"
#include "sim/check.h"

namespace mw::fakes {
namespace {

constexpr std::uint32_t kTransferLegs = 2;  // InventoryUpdated notifications of one transfer

const char* anomaly_name(AnomalyKind k) {
  return k == AnomalyKind::kStaleSequence ? "stale_sequence" : "sequence_conflict";
}

}  // namespace

WmsProcess::WmsProcess(sim::Node& node, WmsBook& book, std::shared_ptr<const WmsConfig> config)
    : node_(node),
      book_(book),
      config_(std::move(config)),
      sender_(node, book.outbox(), config_->sender, node.rng().fork("wms/sender")) {
  for (std::size_t i = 0; i < config_->replenishment.size(); ++i) {
    if (const Replenishment* open = book_.open_for_rule(i)) arm_expiry(*open);
  }
  review_replenishments("");
}

void WmsProcess::on_message(sim::NodeId from, std::string_view bytes) {
  proto::Frame frame;
  if (!frame.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    garbage(from, bytes.size(), "not a frame");
    return;
  }
  if (frame.has_notification()) {
    on_notification(from, frame.notification());
    return;
  }
  if (sender_.on_frame(frame)) {
    review_replenishments("");  // a non-retryable Nack may have rejected an open one
    return;
  }
  garbage(from, bytes.size(), "unexpected frame");
}

void WmsProcess::on_notification(sim::NodeId from, const proto::Notification& n) {
  if (n.notification_id().empty() || n.ordering_key().empty() || n.sequence() == 0) {
    garbage(from, n.ByteSizeLong(), "notification without id, ordering key or sequence");
    return;
  }
  ++book_.stats().received;
  const std::string& id = n.notification_id();
  if (book_.known(id)) {
    ++book_.stats().duplicates;
    node_.trace("wms.duplicate", {{"id", id}});
    acknowledge(from, id);
    return;
  }
  const std::uint64_t last = book_.last_sequence(n.ordering_key());
  const proto::Notification* held = book_.held_at(n.ordering_key(), n.sequence());
  if (n.sequence() <= last || held != nullptr) {
    NotificationAnomaly a;
    a.kind = n.sequence() <= last ? AnomalyKind::kStaleSequence : AnomalyKind::kSequenceConflict;
    a.notification_id = id;
    a.source_event_id = n.source_event_id();
    a.ordering_key = n.ordering_key();
    a.sequence = n.sequence();
    a.last_applied = last;
    a.at = node_.now();
    node_.trace("wms.anomaly", {{"id", id},
                                {"key", n.ordering_key()},
                                {"seq", n.sequence()},
                                {"last", last},
                                {"kind", anomaly_name(a.kind)}});
    book_.record_anomaly(std::move(a));
    acknowledge(from, id);
    return;
  }
  if (n.sequence() > last + 1) {
    if (book_.held_count() >= config_->max_held_notifications) {
      ++book_.stats().held_dropped;
      node_.trace("wms.hold_full", {{"id", id}, {"key", n.ordering_key()}, {"seq", n.sequence()}});
      return;  // not stored, so not acknowledged: the publisher resends it
    }
    book_.hold(n);
    ++book_.stats().held;
    node_.trace("wms.hold",
                {{"id", id}, {"key", n.ordering_key()}, {"seq", n.sequence()}, {"last", last}});
    acknowledge(from, id);
    return;
  }
  const std::string last_applied = apply_in_order(n);
  acknowledge(from, id);
  review_replenishments(last_applied);
}

std::string WmsProcess::apply_in_order(const proto::Notification& n) {
  apply_one(n);
  std::string last_id = n.notification_id();
  std::uint64_t next = n.sequence() + 1;
  while (std::optional<proto::Notification> held = book_.take_held(n.ordering_key(), next)) {
    apply_one(*held);
    last_id = held->notification_id();
    ++next;
  }
  return last_id;
}

void WmsProcess::apply_one(const proto::Notification& n) {
  const AppliedNotification& a = book_.apply(n, node_.now());
  node_.trace("wms.apply", {{"id", a.notification_id},
                            {"key", a.ordering_key},
                            {"seq", a.sequence},
                            {"kind", notification_kind_name(a.kind)},
                            {"event", a.source_event_id}});
  if (a.kind != NotificationKind::kInventoryUpdated) return;
  Replenishment* r = book_.find_replenishment(a.source_event_id);
  if (r == nullptr) return;
  ++r->legs_applied;
  if (r->state == ReplenishmentState::kOpen && r->legs_applied >= kTransferLegs) {
    close(*r, ReplenishmentState::kArrived, "");
  }
}

void WmsProcess::acknowledge(sim::NodeId to, const std::string& notification_id) {
  proto::Frame frame;
  frame.mutable_notification_ack()->set_notification_id(notification_id);
  std::string bytes;
  MW_CHECK(frame.SerializeToString(&bytes), "a notification ack failed to serialize");
  ++book_.stats().acks_sent;
  node_.send(to, std::move(bytes));
}

void WmsProcess::garbage(sim::NodeId from, std::size_t bytes, std::string_view reason) {
  ++book_.stats().garbage;
  node_.trace("wms.garbage",
              {{"from", node_.peer_name(from)}, {"bytes", bytes}, {"reason", reason}});
}

void WmsProcess::review_replenishments(std::string_view cause) {
  const auto& rules = config_->replenishment;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (const Replenishment* open = book_.open_for_rule(i)) {
      const auto& rejections = book_.outbox().rejections();
      const auto it = rejections.find(open->event_id);
      if (it == rejections.end()) continue;
      close(*open, ReplenishmentState::kRejected, it->second);
    }
    const ReplenishmentRule& rule = rules[i];
    const std::int64_t line =
        book_.location_stock(rule.erp_plant, rule.erp_material, rule.line_location);
    if (line >= rule.reorder_point_milli) {
      book_.set_starved(i, false);
      continue;
    }
    const std::optional<Pick> pick = pick_lot(i);
    if (!pick) {
      if (book_.set_starved(i, true)) {
        node_.trace("wms.replenish_starved",
                    {{"material", rule.erp_material}, {"location", rule.line_location}});
      }
      continue;
    }
    book_.set_starved(i, false);
    create_replenishment(i, *pick, cause);
  }
}

std::optional<WmsProcess::Pick> WmsProcess::pick_lot(std::size_t rule_index) const {
  const ReplenishmentRule& rule = config_->replenishment[rule_index];
  // What open transfers of other rules will take from the same warehouse stock.
  std::map<std::string, std::int64_t> reserved;
  for (std::size_t i = 0; i < config_->replenishment.size(); ++i) {
    const Replenishment* open = book_.open_for_rule(i);
    if (open != nullptr && open->erp_plant == rule.erp_plant &&
        open->erp_material == rule.erp_material && open->from_location == rule.warehouse_location) {
      reserved[open->lot] += open->milli;
    }
  }
  std::optional<Pick> largest;
  // The balances of the rule's material are adjacent in the ordered stock map, by lot.
  const auto& stock = book_.all_stock();
  for (auto it = stock.lower_bound(WmsStockKey{rule.erp_plant, rule.erp_material, "", ""});
       it != stock.end() && it->first.plant == rule.erp_plant &&
       it->first.material == rule.erp_material;
       ++it) {
    const auto& [key, balance] = *it;
    if (key.storage_location != rule.warehouse_location) continue;
    if (book_.lot_status(WmsLotKey{key.plant, key.material, key.lot}) !=
        proto::LOT_STATUS_RELEASED) {
      continue;
    }
    const auto r = reserved.find(key.lot);
    std::int64_t available = 0;
    if (__builtin_sub_overflow(balance, r == reserved.end() ? 0 : r->second, &available)) continue;
    if (available >= rule.replenish_milli) return Pick{key.lot, rule.replenish_milli};
    if (available > 0 && (!largest || available > largest->milli)) {
      largest = Pick{key.lot, available};
    }
  }
  return largest;
}

void WmsProcess::create_replenishment(std::size_t rule_index, const Pick& pick,
                                      std::string_view cause) {
  const ReplenishmentRule& rule = config_->replenishment[rule_index];
  const std::string key = "repl:" + rule.plant + "/" + rule.plant_material;
  const std::uint64_t seq = book_.next_source_sequence(key);
  const sim::Time now = node_.now();
  proto::EventEnvelope e =
      canonical_event(node_, config_->epoch_unix_ns, rule.plant, proto::STOCK_TRANSFERRED, key, seq,
                      "", std::string(cause));
  const std::string& event_id = e.event_id();
  proto::StockTransferred& t = *e.mutable_stock_transferred();
  t.set_material(rule.plant_material);
  t.set_lot(pick.lot);
  t.mutable_quantity()->set_milli(pick.milli);
  t.mutable_quantity()->set_uom(rule.uom);
  t.set_from_location(rule.warehouse_location);
  t.set_to_location(rule.line_location);

  log_created(
      book_.source_log(), e, now,
      {{rule.plant, rule.plant_material, pick.lot, rule.warehouse_location, -pick.milli, rule.uom},
       {rule.plant, rule.plant_material, pick.lot, rule.line_location, pick.milli, rule.uom}});

  Replenishment r;
  r.event_id = event_id;
  r.ordering_key = key;
  r.source_sequence = seq;
  r.rule = rule_index;
  r.erp_plant = rule.erp_plant;
  r.erp_material = rule.erp_material;
  r.lot = pick.lot;
  r.from_location = rule.warehouse_location;
  r.to_location = rule.line_location;
  r.milli = pick.milli;
  r.created_at = now;
  const Replenishment& opened = book_.open_replenishment(std::move(r));
  node_.trace("wms.replenish", {{"event", event_id},
                                {"key", key},
                                {"seq", seq},
                                {"lot", pick.lot},
                                {"qty", pick.milli},
                                {"from", rule.warehouse_location},
                                {"to", rule.line_location}});

  sender_.enqueue(event_id, canonical_bytes(e));
  arm_expiry(opened);
}

void WmsProcess::close(const Replenishment& r, ReplenishmentState state, std::string reason) {
  node_.trace(
      "wms.replenish_closed",
      {{"event", r.event_id}, {"state", replenishment_state_name(state)}, {"reason", reason}});
  book_.close_replenishment(r.event_id, state, node_.now(), std::move(reason));
}

void WmsProcess::arm_expiry(const Replenishment& r) {
  const sim::Duration timeout = config_->replenishment_timeout;
  if (timeout == sim::Duration::zero()) return;
  const sim::Time due = std::max(node_.now(), r.created_at + timeout);
  node_.at(due, [this, id = r.event_id] { expire(id); });
}

void WmsProcess::expire(const std::string& event_id) {
  const Replenishment* r = book_.find_replenishment(event_id);
  if (r == nullptr || r->state != ReplenishmentState::kOpen) return;
  close(*r, ReplenishmentState::kExpired, "no notification within the replenishment timeout");
  review_replenishments("");
}

sim::ProcessFactory make_wms(WmsBook& book, WmsConfig config) {
  require_valid(validate_wms_config(config));
  return process_factory<WmsProcess>(book, std::make_shared<const WmsConfig>(std::move(config)));
}

}  // namespace mw::fakes
