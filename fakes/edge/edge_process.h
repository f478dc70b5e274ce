// EdgeProcess: the plant edge on node "edge-<plant>": store-and-forward between the plant's MES
// and the middleware over the plant WAN, durable on its own node's simulated disk.
//
// Upstream. The MES sends wire Frames with an EventBatch. The edge reads each event's id
// (event_key.h), stores the events it does not hold yet in ONE transaction, and only after the
// commit answers: an Ack {batch_id, the ids of every event now held, new or duplicate}; a
// non-retryable Nack by index for an event whose id it cannot read (it is stored and forwarded
// all the same, and the middleware will quarantine it; the MES must not send it again); a
// retryable Nack for each event it could not store (store unavailable or failed: nothing of the
// batch is durable; store full: that event only).
//
// Downstream. Every flush_interval, and at once when a full batch is waiting and the window has
// room, the edge sends the oldest unsent events to the target in batches of at most
// max_batch_events, in store order, keeping at most max_batches_in_flight batches unsettled. A
// batch is due when it has been unsettled for resend_after or a retryable Nack named it; then,
// go-back-N, it and every newer batch in flight go again, oldest first and before any new
// batch, so a resend never lands behind something the edge sent after it. A resent batch keeps
// its id and its bytes; once part of it is settled, what remains goes in a new batch (new id,
// same event bytes, store order), so that an index in a Nack always refers to the one
// composition a batch id ever had. (A single lost batch can still arrive after newer batches
// that were sent before its loss showed; max_batches_in_flight = 1 rules that out.) An event is
// deleted from the store only in the transaction that handles an Ack naming it, or a
// non-retryable Nack (then it is copied to `rejected` with the middleware's reason). After a
// restart every held event is unsent again and goes out from the oldest.
//
// Store failures. If the database cannot be opened, or any statement fails (a fenced or torn
// disk), the edge closes it, forgets what it had in flight, traces why, and opens it again every
// reopen_interval; meanwhile it nacks incoming events retryable and ignores replies (the events
// stay in the store and are forwarded again).
//
// Traces (node.trace): "edge.open" (backlog), "edge.open_failed" (reason), "edge.store" (batch,
// events newly stored), "edge.store_failed" (op, reason), "edge.forward" (batch, events,
// resent), "edge.ack" (batch, events deleted), "edge.reject" (event, reason), "edge.garbage"
// (from, bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/edge/edge_book.h"
#include "fakes/edge/edge_config.h"
#include "fakes/edge/edge_store.h"
#include "middleware/proto/wire.pb.h"
#include "sim/node.h"

namespace mw::fakes {

class EdgeProcess final : public sim::Process {
 public:
  // EdgeProcess runs on `node` with the observations `book` (which must outlive it) and
  // `config` (valid, see validate_edge_config; config.target must name a node). It opens its
  // store at once and arms its flush timer.
  EdgeProcess(sim::Node& node, EdgeBook& book, std::shared_ptr<const EdgeConfig> config);

  void on_message(sim::NodeId from, std::string_view bytes) override;

  // store_open says whether the database is open (false while the edge retries opening it).
  bool store_open() const { return store_ != nullptr; }
  // backlog returns the number of events the store holds (its last known value while closed).
  std::uint64_t backlog() const { return backlog_; }
  // batches_in_flight returns the number of batches sent and not yet settled.
  std::size_t batches_in_flight() const { return in_flight_.size(); }
  // queued returns the events the store holds, in store order; forwarded the dedup memory (events
  // settled downstream within dedup_memory), rejected the rejected table, both in seq order.
  // They read the database (empty while it is closed).
  std::vector<EdgeStore::Row> queued();
  std::vector<EdgeStore::ForwardedRow> forwarded();
  std::vector<EdgeStore::RejectedRow> rejected();

 private:
  struct Member {
    std::int64_t seq = 0;
    std::string event_id;
    std::uint64_t hash = 0;
    bool settled = false;
  };
  // InFlight is one batch sent and not yet settled. Its members are in store order.
  struct InFlight {
    std::vector<Member> members;
    std::string bytes;     // the frame as sent, for resends while the batch is intact
    std::size_t open = 0;  // members not settled
    sim::Time last_sent{};
    bool retry_now = false;  // a retryable Nack: due at the next flush
  };
  using Found = std::pair<std::uint64_t, Member*>;  // batch id and member; {0, nullptr} if none

  void open();
  // fail_store closes the store after `op` failed and schedules a reopen.
  void fail_store(std::string_view op);
  void tick();
  void on_batch(sim::NodeId from, const proto::EventBatch& batch);
  void on_ack(const proto::Ack& ack);
  void on_nack(const proto::Nack& nack);
  void send_upstream(sim::NodeId to, const proto::Frame& frame);
  // nack_all answers every event of `batch` with a retryable Nack giving `reason`.
  void nack_all(sim::NodeId to, const proto::EventBatch& batch, const std::vector<std::string>& ids,
                const std::string& reason);

  // fill_window sends new batches while the window has room; with `full_only`, only full ones.
  void fill_window(bool full_only);
  void resend_due();
  void send_batch(std::vector<EdgeStore::Row>& rows, bool resent);
  // retire forgets in-flight batch `batch_id`, remembering its composition for late replies.
  void retire(std::uint64_t batch_id);
  // find_member returns the unsettled member with `event_id` among the events batch `batch_id`
  // carried (wherever a retired batch's events went on), or none: never another batch's copy.
  Found find_member(std::uint64_t batch_id, std::string_view event_id);
  // settle commits `settlements` (members already marked settled) and updates the counters.
  bool settle(const std::vector<EdgeStore::Settlement>& settlements,
              const std::vector<std::uint64_t>& batches);

  sim::Node& node_;
  EdgeBook& book_;
  std::shared_ptr<const EdgeConfig> config_;
  sim::NodeId target_;
  std::unique_ptr<EdgeStore> store_;
  std::uint64_t backlog_ = 0;
  std::int64_t cursor_ = 0;   // the last seq sent in a new batch by this store connection
  std::uint64_t unsent_ = 0;  // events held with seq > cursor_
  std::uint64_t next_batch_id_;
  std::map<std::uint64_t, InFlight> in_flight_;     // by batch id
  std::map<std::int64_t, std::uint64_t> batch_of_;  // unsettled in-flight seq -> batch id
  // The compositions (seqs) of the last kRememberedBatches retired batches, so that a late
  // Nack by index can still be matched.
  static constexpr std::size_t kRememberedBatches = 256;
  std::map<std::uint64_t, std::vector<std::int64_t>> retired_;
  static constexpr sim::Duration kSweepInterval = sim::hours(1);
  std::optional<sim::Time> last_sweep_;  // of the forwarded memory, by this store connection
};

// make_edge returns the factory of an edge node observed through `book` (which must outlive the
// Simulation) with the knobs `config`. It stops the run (MW_CHECK) with the list of problems if
// `config` is invalid.
sim::ProcessFactory make_edge(EdgeBook& book, EdgeConfig config);

}  // namespace mw::fakes
