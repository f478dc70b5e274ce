// EventSender: how a source system (MES, WMS, quality, the plant edge's upstream) delivers its
// events to the middleware: at least once, until acknowledged.
//
// The events waiting for an ack live in an OutboxStore owned outside the process: it stands for
// the source system's own database, so a crash of the source node loses nothing it had queued.
// The EventSender is the process-side logic: every flush_interval it sends what is waiting in
// batches, oldest first; an event sent and not acked within resend_after is sent again with the
// same id and the same bytes. An Ack removes the events it names; a retryable Nack makes the
// event due again at the next flush (a retryable Nack that names no event, the middleware's
// answer to a batch it could not store, makes every still-unacked event of that batch due); a
// non-retryable Nack removes it and records the reason (the middleware quarantined it and will
// never accept it). A Nack names the event by id, or, when the middleware could not decode it,
// by its index in the batch.
//
// Source misbehaviour a scenario may ask for (a real MES does these): duplicate_probability
// sends an event twice in a row (the copy counts towards max_batch_events and may open the next
// batch); reorder_probability holds an event's first send back until the event queued after it
// has gone, so it leaves after its successor: within one batch the two swap places, and an
// event with no successor yet waits for the next one, at most resend_after, then goes alone.
// Only first sends are held; the held event lives in the process, so a crash forgets it.
//
// Traces: "src.send" (batch, events, resent), "src.ack" (batch, events), "src.nack" (event,
// retryable, reason).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "middleware/proto/wire.pb.h"
#include "sim/id_index.h"
#include "sim/node.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace mw::fakes {

struct SenderConfig {
  std::string target = "middleware";  // node the events go to
  std::size_t max_batch_events = 100;
  std::size_t max_batches_per_flush = 4;  // caps the drain rate after a backlog
  sim::Duration flush_interval = sim::milliseconds(200);
  sim::Duration resend_after = sim::seconds(5);
  double duplicate_probability = 0;
  double reorder_probability = 0;
};

// validate_sender_config returns one message per problem, prefixed with `prefix`.
std::vector<std::string> validate_sender_config(const SenderConfig& c, const std::string& prefix);

struct SenderStats {
  std::uint64_t enqueued = 0;
  std::uint64_t sends = 0;       // event copies sent, first sends and resends
  std::uint64_t resends = 0;     // sends of an event already sent before
  std::uint64_t duplicates = 0;  // deliberate duplicate copies (duplicate_probability)
  std::uint64_t batches = 0;
  std::uint64_t acked = 0;             // events removed by an Ack
  std::uint64_t nacked_retryable = 0;  // retryable Nacks received
  std::uint64_t rejected = 0;          // events removed by a non-retryable Nack
};

// OutboxStore: the durable outbox of one source. Owned outside the process.
class OutboxStore {
 public:
  struct Entry {
    std::string event_id;
    proto::SourceEvent event;
    std::uint32_t sends = 0;
    sim::Time last_sent{};   // meaningful when sends > 0
    bool retry_now = false;  // a retryable Nack: due at the next flush
    // The first batch it went out in (0: not sent yet). A reply to an older batch is about
    // an earlier event under the same id (a source that reuses ids), not about this one.
    std::uint64_t first_batch = 0;
  };

  // add queues `event` under `event_id` (ids are unique while queued, MW_CHECK).
  void add(std::string event_id, proto::SourceEvent event);
  // remove drops the entry of `event_id`; false if there is none.
  bool remove(std::string_view event_id);
  // find returns the entry of `event_id`, or nullptr.
  Entry* find(std::string_view event_id);

  // entries in queue order (the order add was called).
  const std::map<std::uint64_t, Entry>& entries() const { return entries_; }
  std::map<std::uint64_t, Entry>& entries() { return entries_; }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  // rejections: event id -> the middleware's reason, for every non-retryable Nack.
  const std::map<std::string, std::string, std::less<>>& rejections() const { return rejections_; }
  void reject(std::string_view event_id, std::string reason);

  SenderStats& stats() { return stats_; }
  const SenderStats& stats() const { return stats_; }

 private:
  std::uint64_t next_ = 1;
  std::map<std::uint64_t, Entry> entries_;
  sim::IdIndex<std::uint64_t> by_id_;
  std::map<std::string, std::string, std::less<>> rejections_;
  SenderStats stats_;
};

class EventSender {
 public:
  // EventSender sends from `store` (which must outlive it) on `node`, using the random stream
  // `rng` for the misbehaviour knobs. It arms its flush timer at once. `config.target` must name
  // a node of the simulation (MW_CHECK).
  EventSender(sim::Node& node, OutboxStore& store, SenderConfig config, sim::Rng rng);

  // enqueue adds an event to the outbox; it leaves at the next flush.
  void enqueue(std::string event_id, proto::SourceEvent event);
  // on_frame handles an Ack or Nack frame addressed to this source. Returns false for frames of
  // other kinds, which the caller handles.
  bool on_frame(const proto::Frame& frame);

  const SenderConfig& config() const { return config_; }

 private:
  void flush();
  // take marks `entry` sent now and appends it (and a deliberate copy, if drawn) to `batch`,
  // sending the batch whenever it is full; `batches` counts the batches sent by this flush.
  void take(OutboxStore::Entry& entry, std::vector<OutboxStore::Entry*>& batch,
            std::size_t& batches);
  void send_batch(std::vector<OutboxStore::Entry*>& batch);
  // about_entry tells whether a reply to batch `batch_id` can be about the queued entry of
  // `event_id`: it was sent in that batch or an earlier one.
  bool about_entry(const std::string& event_id, std::uint64_t batch_id);
  // event_at returns the id of the event at `index` of sent batch `batch_id`, or "".
  std::string event_at(std::uint64_t batch_id, std::uint32_t index) const;

  sim::Node& node_;
  OutboxStore& store_;
  SenderConfig config_;
  sim::Rng rng_;
  sim::NodeId target_;
  std::uint64_t next_batch_id_;
  // The entry (by queue number) whose first send reorder_probability holds back, and since when.
  struct Held {
    std::uint64_t n = 0;
    sim::Time since{};
  };
  std::optional<Held> held_;
  // The event ids of the last kRememberedBatches batches, in sent order, so that a Nack without
  // an event id (an event the middleware could not decode) can be matched by its index.
  static constexpr std::size_t kRememberedBatches = 256;
  std::map<std::uint64_t, std::vector<std::string>> sent_batches_;
};

}  // namespace mw::fakes
