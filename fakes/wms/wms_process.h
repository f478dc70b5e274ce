// WmsProcess: the simulated warehouse management system on a sim node ("wms").
//
// As a subscriber, it receives wire Frames carrying a Notification from the middleware and
// answers each one, duplicates too, with a NotificationAck to the sender once the notification
// is stored (applied, held, or recorded as an anomaly). It applies each notification id once and
// each ordering key's notifications in sequence order 1, 2, 3, ...:
//   - a known id (applied, held or an anomaly before) is a duplicate: acknowledged, no change;
//   - sequence == last applied + 1: applied, then any held successors in order;
//   - sequence  > last applied + 1: held in the book until its predecessors are applied (unless
//     WmsConfig::max_held_notifications are held already: then it is neither held nor
//     acknowledged, and the publisher's resend brings it back);
//   - sequence <= last applied, or a sequence held under another id: an anomaly, recorded and
//     acknowledged, never applied.
// A notification without id or ordering key, or with sequence 0, is garbage (not acknowledged),
// like bytes that do not parse and frames of kinds the WMS does not handle: counted, traced and
// otherwise ignored.
//
// As a source, it replenishes line-side stock: after every change that may matter (start,
// applied notifications, an Ack or Nack from the middleware, an expiry), it checks each
// ReplenishmentRule in order. A rule with no open replenishment whose line-side stock, summed
// over lots, is below its reorder point creates a STOCK_TRANSFERRED event: from the first lot
// in lot order at the warehouse location that is RELEASED (as far as the WMS knows) and holds
// replenish_milli once open transfers are deducted, else the released lot that holds most
// (transferring what it holds); with no such lot the rule is starved and waits. The event is
// logged in the SourceLog (effects -qty at from, +qty at to) and queued in the book's outbox in
// one step, then an EventSender delivers it to the middleware until acknowledged. The
// replenishment stays open until both of its InventoryUpdated notifications are applied
// (kArrived), the middleware rejects the event for good (kRejected), or the timeout passes
// (kExpired); then the rule may trigger again.
//
// Event ids are "<node>:repl:<plant>/<plant material>:<n>", with ordering key
// "repl:<plant>/<plant material>" and source sequence n = 1, 2, ... per key; both survive
// crashes (they are in the book). A crash loses only timers and the sender's memory of recent
// batches: the next incarnation resends what the outbox holds, re-arms expiry timers and
// re-checks the rules.
//
// Traces: "wms.apply" (id, key, seq, kind, event), "wms.duplicate" (id), "wms.hold" (id, key,
// seq, last), "wms.hold_full" (id, key, seq), "wms.anomaly" (id, key, seq, last, kind),
// "wms.garbage" (from, bytes, reason), "wms.replenish" (event, key, seq, lot, qty, from, to),
// "wms.replenish_closed" (event, state, reason), "wms.replenish_starved" (material, location),
// and the sender's "src.*" records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fakes/common/event_sender.h"
#include "fakes/wms/wms_book.h"
#include "fakes/wms/wms_config.h"
#include "middleware/proto/wire.pb.h"
#include "sim/node.h"

namespace mw::fakes {

class WmsProcess final : public sim::Process {
 public:
  // WmsProcess runs on `node` with the database `book` (which must outlive it) and `config`
  // (shared with the factory; it must be valid, see validate_wms_config). It re-arms expiry
  // timers of open replenishments and checks the rules at once.
  WmsProcess(sim::Node& node, WmsBook& book, std::shared_ptr<const WmsConfig> config);

  void on_message(sim::NodeId from, std::string_view bytes) override;

  const WmsStats& stats() const { return book_.stats(); }

 private:
  struct Pick {
    std::string lot;
    std::int64_t milli = 0;
  };

  void on_notification(sim::NodeId from, const proto::Notification& n);
  // apply applies `n` and every held successor of its key; returns the last id applied.
  std::string apply_in_order(const proto::Notification& n);
  void apply_one(const proto::Notification& n);
  void acknowledge(sim::NodeId to, const std::string& notification_id);
  void garbage(sim::NodeId from, std::size_t bytes, std::string_view reason);

  // review_replenishments closes rejected replenishments and triggers rules below their
  // reorder point; `cause` is the notification that led here, "" if none.
  void review_replenishments(std::string_view cause);
  // pick_lot chooses the lot and quantity for rule `rule`, or nothing if no lot qualifies.
  std::optional<Pick> pick_lot(std::size_t rule) const;
  void create_replenishment(std::size_t rule, const Pick& pick, std::string_view cause);
  void close(const Replenishment& r, ReplenishmentState state, std::string reason);
  void arm_expiry(const Replenishment& r);
  void expire(const std::string& event_id);

  sim::Node& node_;
  WmsBook& book_;
  std::shared_ptr<const WmsConfig> config_;
  EventSender sender_;
};

// make_wms returns the factory of a WMS node whose database is `book` (which must outlive the
// Simulation) and whose knobs are `config`. It stops the run (MW_CHECK) with the list of
// problems if `config` is invalid.
sim::ProcessFactory make_wms(WmsBook& book, WmsConfig config);

}  // namespace mw::fakes
