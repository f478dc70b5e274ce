// WmsBook: the simulated WMS's database, its ground truth.
//
// Like the ERP's ledger, the book is owned outside the WMS process (by the test or the world)
// and must outlive the Simulation that runs the WMS node: a WMS crash loses timers and
// in-memory state, never anything in the book. It holds:
//   - the inbox: every notification applied, in apply order (id, source event, ordering key,
//     sequence, body kind, apply time), the set of applied ids, the last applied sequence per
//     ordering key, the early notifications held until their predecessors arrive (held
//     notifications are stored, because the WMS acknowledges them), and the anomalies (an
//     unknown id at an old sequence, or two ids at one held sequence);
//   - stock in milli-units by (ERP plant, ERP material, lot, storage location), as the
//     InventoryUpdated deltas and the opening balances made it; lot statuses from
//     LotStatusUpdated;
//   - every replenishment the WMS created, with its state (open, arrived, rejected, expired);
//   - the outbox of replenishment events (OutboxStore) and the per-key source sequences;
//   - counters (WmsStats).
// The SourceLog that replenishments are logged in is shared with the other sources; the book
// keeps a reference to it.
//
// Oracles read: applied() to check "applied once, in sequence order", applied_for_source_event
// to check "every posted event's notification was applied", anomalies() (expected empty).
//
// Only the WMS process writes, except the setup calls before the run. Not thread-safe.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/common/event_sender.h"
#include "fakes/common/source_log.h"
#include "middleware/proto/common.pb.h"
#include "middleware/proto/wire.pb.h"
#include "sim/id_index.h"
#include "sim/time.h"

namespace mw::fakes {

// WmsStockKey: one balance, in the middleware's downstream terms (ERP plant and material).
struct WmsStockKey {
  std::string plant;
  std::string material;
  std::string lot;
  std::string storage_location;
  friend auto operator<=>(const WmsStockKey&, const WmsStockKey&) = default;
};

// WmsLocationKey is where line-side stock is counted for replenishment, over all lots.
struct WmsLocationKey {
  std::string plant;
  std::string material;
  std::string storage_location;
  friend auto operator<=>(const WmsLocationKey&, const WmsLocationKey&) = default;
};

struct WmsLotKey {
  std::string plant;
  std::string material;
  std::string lot;
  friend auto operator<=>(const WmsLotKey&, const WmsLotKey&) = default;
};

enum class NotificationKind { kNone, kInventoryUpdated, kProductionConfirmed, kLotStatusUpdated };

// notification_kind returns the kind of `n`'s body (kNone when it has none it knows).
NotificationKind notification_kind(const proto::Notification& n);
const char* notification_kind_name(NotificationKind kind);

// AppliedNotification is one notification as the WMS applied it.
struct AppliedNotification {
  std::uint64_t order = 0;  // 1 for the first applied, then +1
  std::string notification_id;
  std::string source_event_id;
  std::string ordering_key;
  std::uint64_t sequence = 0;
  NotificationKind kind = NotificationKind::kNone;
  sim::Time applied_at{};
};

enum class AnomalyKind {
  kStaleSequence,     // an unknown id at a sequence at or below the last applied of its key
  kSequenceConflict,  // an unknown id at a sequence already held under another id
};

// NotificationAnomaly is a notification the WMS refused to apply because the publisher broke
// its contract. It was acknowledged (the WMS will not take it later) and never applied.
struct NotificationAnomaly {
  AnomalyKind kind = AnomalyKind::kStaleSequence;
  std::string notification_id;
  std::string source_event_id;
  std::string ordering_key;
  std::uint64_t sequence = 0;
  std::uint64_t last_applied = 0;  // the key's last applied sequence when it arrived
  sim::Time at{};
};

enum class ReplenishmentState {
  kOpen,      // sent or waiting to be sent; its notifications have not all arrived
  kArrived,   // both InventoryUpdated notifications of the transfer were applied
  kRejected,  // the middleware refused the event for good (a non-retryable Nack)
  kExpired,   // not arrived within WmsConfig::replenishment_timeout
};
const char* replenishment_state_name(ReplenishmentState state);

// Replenishment is one stock transfer the WMS created.
struct Replenishment {
  std::string event_id;
  std::string ordering_key;
  std::uint64_t source_sequence = 0;
  std::size_t rule = 0;  // index in WmsConfig::replenishment
  std::string erp_plant;
  std::string erp_material;
  std::string lot;
  std::string from_location;
  std::string to_location;
  std::int64_t milli = 0;
  sim::Time created_at{};
  ReplenishmentState state = ReplenishmentState::kOpen;
  sim::Time closed_at{};           // when it left kOpen
  std::string reason;              // kRejected: the middleware's reason
  std::uint32_t legs_applied = 0;  // InventoryUpdated notifications applied for it (2 expected)
};

struct WmsStats {
  std::uint64_t received = 0;    // well-formed notifications, duplicates included
  std::uint64_t duplicates = 0;  // a known id again: acknowledged, nothing else
  std::uint64_t applied = 0;
  std::uint64_t held = 0;          // notifications held because they arrived early
  std::uint64_t held_dropped = 0;  // early ones refused unacknowledged: the hold was full
  std::uint64_t anomalies = 0;
  std::uint64_t garbage = 0;  // bytes that are not a frame the WMS handles, or a bad notification
  std::uint64_t acks_sent = 0;
  std::uint64_t replenishments = 0;  // created
  std::uint64_t replenishments_arrived = 0;
  std::uint64_t replenishments_rejected = 0;
  std::uint64_t replenishments_expired = 0;
  std::uint64_t replenishments_starved = 0;  // a rule below its point found no warehouse stock
  std::uint64_t stock_overflows = 0;  // deltas not applied because the balance would overflow
};

class WmsBook {
 public:
  // WmsBook logs the events it creates in `source_log`, which must outlive it.
  explicit WmsBook(SourceLog& source_log) : source_log_(source_log) {}
  WmsBook(const WmsBook&) = delete;
  WmsBook& operator=(const WmsBook&) = delete;

  // --- Setup, before the run starts. -------------------------------------------------------

  // set_opening_stock sets the balance of `key` without a notification (the WMS's stock when
  // the run starts, normally equal to the ERP's opening stock).
  void set_opening_stock(const WmsStockKey& key, std::int64_t milli);
  void set_opening_lot_status(const WmsLotKey& key, proto::LotStatus status);

  // --- The inbox. --------------------------------------------------------------------------

  // known tells whether notification `id` was applied, is held, or was an anomaly.
  bool known(std::string_view id) const;
  // last_sequence returns the last applied sequence of `ordering_key`, 0 if none.
  std::uint64_t last_sequence(std::string_view ordering_key) const;
  // apply records `n` as the next applied notification at `at` and applies its body: stock
  // delta, lot status, nothing for other kinds. Its sequence must be last_sequence + 1
  // (MW_CHECK).
  const AppliedNotification& apply(const proto::Notification& n, sim::Time at);
  // hold stores early notification `n` (its sequence is above last_sequence + 1).
  void hold(const proto::Notification& n);
  // held_at returns the notification held for (`ordering_key`, `sequence`), or nullptr.
  const proto::Notification* held_at(std::string_view ordering_key, std::uint64_t sequence) const;
  // take_held removes and returns the notification held for (`ordering_key`, `sequence`).
  std::optional<proto::Notification> take_held(std::string_view ordering_key,
                                               std::uint64_t sequence);
  std::size_t held_count() const { return held_ids_.size(); }
  void record_anomaly(NotificationAnomaly anomaly);

  // --- Replenishment. ----------------------------------------------------------------------

  // next_source_sequence returns the next source sequence of `ordering_key` (1, 2, ...).
  std::uint64_t next_source_sequence(const std::string& ordering_key);
  // open_replenishment records `r` (state kOpen) as the open replenishment of its rule.
  const Replenishment& open_replenishment(Replenishment r);
  // open_for_rule returns the open replenishment of rule `rule`, or nullptr.
  const Replenishment* open_for_rule(std::size_t rule) const;
  // find_replenishment returns the replenishment of event `event_id`, or nullptr.
  Replenishment* find_replenishment(std::string_view event_id);
  // close_replenishment moves open replenishment `event_id` to `state` at `at`.
  void close_replenishment(std::string_view event_id, ReplenishmentState state, sim::Time at,
                           std::string reason = "");
  // starved marks whether rule `rule` last found no warehouse stock; set_starved returns true
  // when the mark changed.
  bool set_starved(std::size_t rule, bool starved);

  // --- Reads, for the process and for oracles. ---------------------------------------------

  // applied returns every applied notification in apply order.
  const std::deque<AppliedNotification>& applied() const { return applied_; }
  // is_applied tells whether notification `id` was applied.
  bool is_applied(std::string_view id) const { return applied_ids_.contains(id); }
  // applied_for_source_event returns how many notifications of source event `event_id` were
  // applied (an InventoryUpdated per stock leg: 2 for a transfer, 1 for a receipt).
  std::size_t applied_for_source_event(std::string_view event_id) const;
  // last_sequences returns the last applied sequence of every key.
  const std::map<std::string, std::uint64_t, std::less<>>& last_sequences() const {
    return last_sequence_;
  }
  // held returns the held notifications by key, then sequence.
  const std::map<std::string, std::map<std::uint64_t, proto::Notification>, std::less<>>& held()
      const {
    return held_;
  }
  const std::vector<NotificationAnomaly>& anomalies() const { return anomalies_; }

  // stock returns the balance of `key`, 0 if it never moved.
  std::int64_t stock(const WmsStockKey& key) const;
  // location_stock returns the stock of (`plant`, `material`) at `location`, summed over lots
  // (clamped to the int64 range, which only corrupted deltas could leave).
  std::int64_t location_stock(std::string_view plant, std::string_view material,
                              std::string_view location) const;
  // all_stock returns every non-zero balance, ordered by key.
  const std::map<WmsStockKey, std::int64_t>& all_stock() const { return stock_; }
  // lot_status returns the status of `key`, LOT_STATUS_RELEASED unless told otherwise.
  proto::LotStatus lot_status(const WmsLotKey& key) const;

  // replenishments returns every replenishment in creation order.
  const std::deque<Replenishment>& replenishments() const { return replenishments_; }

  OutboxStore& outbox() { return outbox_; }
  const OutboxStore& outbox() const { return outbox_; }
  SourceLog& source_log() { return source_log_; }
  const SourceLog& source_log() const { return source_log_; }
  WmsStats& stats() { return stats_; }
  const WmsStats& stats() const { return stats_; }

 private:
  __extension__ typedef __int128 WideSum;
  void add_stock(const WmsStockKey& key, std::int64_t milli);
  void add_to_location(const WmsStockKey& key, WideSum delta);

  SourceLog& source_log_;
  std::deque<AppliedNotification> applied_;
  sim::IdSet applied_ids_;
  sim::IdIndex<std::size_t> applied_by_source_event_;
  std::map<std::string, std::uint64_t, std::less<>> last_sequence_;
  std::map<std::string, std::map<std::uint64_t, proto::Notification>, std::less<>> held_;
  sim::IdSet held_ids_;
  std::vector<NotificationAnomaly> anomalies_;
  sim::IdSet anomaly_ids_;
  std::map<WmsStockKey, std::int64_t> stock_;
  // The sum of stock_ per location, kept with every change so that replenishment rules need
  // not walk every lot; 128 bits so the sum itself cannot overflow.
  std::map<WmsLocationKey, WideSum> location_sum_;
  std::map<WmsLotKey, proto::LotStatus> lot_status_;
  std::map<std::string, std::uint64_t, std::less<>> next_source_sequence_;
  std::deque<Replenishment> replenishments_;
  sim::IdIndex<std::size_t> replenishment_by_event_;
  std::map<std::size_t, std::size_t> open_by_rule_;  // rule -> index in replenishments_
  std::set<std::size_t> starved_rules_;
  OutboxStore outbox_;
  WmsStats stats_;
};

}  // namespace mw::fakes
