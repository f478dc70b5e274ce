#include "fakes/wms/wms_book.h"

#include <algorithm>
#include <utility>

#include "sim/check.h"

namespace mw::fakes {

NotificationKind notification_kind(const proto::Notification& n) {
  switch (n.body_case()) {
    case proto::Notification::kInventoryUpdated:
      return NotificationKind::kInventoryUpdated;
    case proto::Notification::kProductionConfirmed:
      return NotificationKind::kProductionConfirmed;
    case proto::Notification::kLotStatusUpdated:
      return NotificationKind::kLotStatusUpdated;
    case proto::Notification::BODY_NOT_SET:
      break;
  }
  return NotificationKind::kNone;
}

const char* notification_kind_name(NotificationKind kind) {
  switch (kind) {
    case NotificationKind::kInventoryUpdated:
      return "inventory_updated";
    case NotificationKind::kProductionConfirmed:
      return "production_confirmed";
    case NotificationKind::kLotStatusUpdated:
      return "lot_status_updated";
    case NotificationKind::kNone:
      break;
  }
  return "none";
}

const char* replenishment_state_name(ReplenishmentState state) {
  switch (state) {
    case ReplenishmentState::kOpen:
      return "open";
    case ReplenishmentState::kArrived:
      return "arrived";
    case ReplenishmentState::kRejected:
      return "rejected";
    case ReplenishmentState::kExpired:
      return "expired";
  }
  return "?";
}

void WmsBook::set_opening_stock(const WmsStockKey& key, std::int64_t milli) {
  add_to_location(key, WideSum{milli} - stock(key));
  if (milli == 0) {
    stock_.erase(key);
  } else {
    stock_[key] = milli;
  }
}

void WmsBook::set_opening_lot_status(const WmsLotKey& key, proto::LotStatus status) {
  lot_status_[key] = status;
}

bool WmsBook::known(std::string_view id) const {
  return applied_ids_.contains(id) || held_ids_.contains(id) || anomaly_ids_.contains(id);
}

std::uint64_t WmsBook::last_sequence(std::string_view ordering_key) const {
  const auto it = last_sequence_.find(ordering_key);
  return it == last_sequence_.end() ? 0 : it->second;
}

const AppliedNotification& WmsBook::apply(const proto::Notification& n, sim::Time at) {
  MW_CHECK(n.sequence() == last_sequence(n.ordering_key()) + 1,
           "the WMS applies each key's notifications in sequence order");
  MW_CHECK(!known(n.notification_id()), "a notification id was applied twice");
  switch (n.body_case()) {
    case proto::Notification::kInventoryUpdated: {
      const proto::InventoryUpdated& u = n.inventory_updated();
      add_stock(WmsStockKey{u.plant(), u.material(), u.lot(), u.storage_location()},
                u.delta().milli());
      break;
    }
    case proto::Notification::kLotStatusUpdated: {
      const proto::LotStatusUpdated& u = n.lot_status_updated();
      lot_status_[WmsLotKey{u.plant(), u.material(), u.lot()}] = u.status();
      break;
    }
    case proto::Notification::kProductionConfirmed:
    case proto::Notification::BODY_NOT_SET:
      break;  // recorded, nothing the WMS keeps changes
  }
  last_sequence_[n.ordering_key()] = n.sequence();
  applied_ids_.insert(n.notification_id());
  ++applied_by_source_event_[n.source_event_id()];
  AppliedNotification& a = applied_.emplace_back();
  a.order = applied_.size();
  a.notification_id = n.notification_id();
  a.source_event_id = n.source_event_id();
  a.ordering_key = n.ordering_key();
  a.sequence = n.sequence();
  a.kind = notification_kind(n);
  a.applied_at = at;
  ++stats_.applied;
  return a;
}

void WmsBook::hold(const proto::Notification& n) {
  MW_CHECK(n.sequence() > last_sequence(n.ordering_key()) + 1, "only early notifications wait");
  const bool fresh = held_ids_.insert(n.notification_id()).second;
  MW_CHECK(fresh, "a notification id was held twice");
  const bool free = held_[n.ordering_key()].emplace(n.sequence(), n).second;
  MW_CHECK(free, "two notifications were held at one sequence");
}

const proto::Notification* WmsBook::held_at(std::string_view ordering_key,
                                            std::uint64_t sequence) const {
  const auto key = held_.find(ordering_key);
  if (key == held_.end()) return nullptr;
  const auto it = key->second.find(sequence);
  return it == key->second.end() ? nullptr : &it->second;
}

std::optional<proto::Notification> WmsBook::take_held(std::string_view ordering_key,
                                                      std::uint64_t sequence) {
  const auto key = held_.find(ordering_key);
  if (key == held_.end()) return std::nullopt;
  auto node = key->second.extract(sequence);
  if (node.empty()) return std::nullopt;
  if (key->second.empty()) held_.erase(key);
  held_ids_.erase(held_ids_.find(node.mapped().notification_id()));
  return std::move(node.mapped());
}

void WmsBook::record_anomaly(NotificationAnomaly anomaly) {
  anomaly_ids_.insert(anomaly.notification_id);
  anomalies_.push_back(std::move(anomaly));
  ++stats_.anomalies;
}

std::uint64_t WmsBook::next_source_sequence(const std::string& ordering_key) {
  return ++next_source_sequence_[ordering_key];
}

const Replenishment& WmsBook::open_replenishment(Replenishment r) {
  MW_CHECK(!open_by_rule_.contains(r.rule), "a rule has one open replenishment at most");
  r.state = ReplenishmentState::kOpen;
  const std::size_t index = replenishments_.size();
  const bool fresh = replenishment_by_event_.emplace(r.event_id, index).second;
  MW_CHECK(fresh, "a replenishment event id was used twice");
  open_by_rule_[r.rule] = index;
  ++stats_.replenishments;
  return replenishments_.emplace_back(std::move(r));
}

const Replenishment* WmsBook::open_for_rule(std::size_t rule) const {
  const auto it = open_by_rule_.find(rule);
  return it == open_by_rule_.end() ? nullptr : &replenishments_[it->second];
}

Replenishment* WmsBook::find_replenishment(std::string_view event_id) {
  const auto it = replenishment_by_event_.find(event_id);
  return it == replenishment_by_event_.end() ? nullptr : &replenishments_[it->second];
}

void WmsBook::close_replenishment(std::string_view event_id, ReplenishmentState state, sim::Time at,
                                  std::string reason) {
  Replenishment* r = find_replenishment(event_id);
  MW_CHECK(r != nullptr && r->state == ReplenishmentState::kOpen,
           "only an open replenishment can be closed");
  MW_CHECK(state != ReplenishmentState::kOpen, "closing means leaving kOpen");
  r->state = state;
  r->closed_at = at;
  r->reason = std::move(reason);
  open_by_rule_.erase(r->rule);
  switch (state) {
    case ReplenishmentState::kArrived:
      ++stats_.replenishments_arrived;
      break;
    case ReplenishmentState::kRejected:
      ++stats_.replenishments_rejected;
      break;
    case ReplenishmentState::kExpired:
      ++stats_.replenishments_expired;
      break;
    case ReplenishmentState::kOpen:
      break;
  }
}

bool WmsBook::set_starved(std::size_t rule, bool starved) {
  if (!starved) return starved_rules_.erase(rule) > 0;
  const bool changed = starved_rules_.insert(rule).second;
  if (changed) ++stats_.replenishments_starved;
  return changed;
}

std::size_t WmsBook::applied_for_source_event(std::string_view event_id) const {
  const auto it = applied_by_source_event_.find(event_id);
  return it == applied_by_source_event_.end() ? 0 : it->second;
}

std::int64_t WmsBook::stock(const WmsStockKey& key) const {
  const auto it = stock_.find(key);
  return it == stock_.end() ? 0 : it->second;
}

std::int64_t WmsBook::location_stock(std::string_view plant, std::string_view material,
                                     std::string_view location) const {
  const auto it = location_sum_.find(
      WmsLocationKey{std::string(plant), std::string(material), std::string(location)});
  if (it == location_sum_.end()) return 0;
  return static_cast<std::int64_t>(std::clamp<WideSum>(it->second, INT64_MIN, INT64_MAX));
}

proto::LotStatus WmsBook::lot_status(const WmsLotKey& key) const {
  const auto it = lot_status_.find(key);
  return it == lot_status_.end() ? proto::LOT_STATUS_RELEASED : it->second;
}

void WmsBook::add_stock(const WmsStockKey& key, std::int64_t milli) {
  auto it = stock_.try_emplace(key, 0).first;
  std::int64_t sum = 0;
  // The ERP refuses postings that overflow, so only a corrupted notification can get here; the
  // WMS must not crash on what the network did, so it keeps the balance and counts the delta.
  if (__builtin_add_overflow(it->second, milli, &sum)) {
    ++stats_.stock_overflows;
    return;
  }
  if (sum == 0) {
    stock_.erase(it);
  } else {
    it->second = sum;
  }
  add_to_location(key, milli);
}

void WmsBook::add_to_location(const WmsStockKey& key, WideSum delta) {
  auto at = location_sum_.try_emplace({key.plant, key.material, key.storage_location}, 0).first;
  at->second += delta;
  if (at->second == 0) location_sum_.erase(at);
}

}  // namespace mw::fakes
