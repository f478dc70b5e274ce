// Store: every SQL statement of the core, behind typed methods.
//
// The pipeline decides; the Store reads and writes rows. Callers group calls into one
// transaction per pipeline step (Db::begin / commit, or a Transaction scope). Every method
// returns a technical error on any SQLite failure; none swallows one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "middleware/enrich/master_data.h"
#include "middleware/result.h"
#include "middleware/store/db.h"

namespace mw::core {

// Event states, as stored.
inline constexpr std::string_view kWaiting = "waiting";
inline constexpr std::string_view kQueued = "queued";
inline constexpr std::string_view kPosted = "posted";
inline constexpr std::string_view kNoPosting = "no_posting";
inline constexpr std::string_view kDeadLettered = "dead_lettered";
inline constexpr std::string_view kDiscarded = "discarded";

struct EventRow {
  std::int64_t id = 0;
  std::string event_id;
  std::string payload_hash;
  std::string ordering_key;
  std::int64_t sequence = 0;
  std::string plant;
  std::string domain;
  std::string correlation_id;
  std::string envelope;  // serialized EventEnvelope
  std::string state;
  std::int64_t received_ns = 0;
  std::int64_t finished_ns = 0;  // 0 while unfinished
  std::string command;           // serialized ErpCommand of a queued event (written only)
};

// EventState is where one accepted event is in the pipeline, for operators and oracles.
struct EventState {
  std::string event_id;
  std::string ordering_key;
  std::int64_t sequence = 0;
  std::string state;  // waiting, queued, posted, no_posting, dead_lettered, discarded
  std::string erp_document;
  std::int64_t received_ns = 0;
  std::int64_t finished_ns = 0;  // 0 while unfinished
};

struct KeyState {
  std::int64_t next_sequence = 1;
};

// OutboxRow is the ERP command of a queued event.
struct OutboxRow {
  std::int64_t event_row = 0;
  std::string ordering_key;
  std::int64_t sequence = 0;
  std::string command;  // serialized ErpCommand
};

struct DeadLetterRow {
  std::int64_t event_row = 0;
  std::string event_id;
  std::string ordering_key;
  std::int64_t sequence = 0;
  std::string correlation_id;
  std::string dead_letter_class;
  std::string reason;
  std::int64_t parked_ns = 0;
  std::string status;  // parked, replayed, discarded
};

struct QuarantineRow {
  std::int64_t id = 0;
  std::int64_t received_ns = 0;
  std::string sender;
  std::string event_id;
  int format = 0;
  std::string raw;  // the leading bytes of what was refused (all of it, if it was small)
  std::string reason;
  std::int64_t raw_length = 0;  // the length of the whole
  std::string raw_hash;         // payload_hash_of_bytes of the whole
};

struct AuditRow {
  std::int64_t at_ns = 0;
  std::string action;
  std::string event_id;
  std::string correlation_id;
  std::string actor;
  std::string detail;
};

struct NotificationRow {
  std::int64_t seq = 0;  // recording order
  std::string id;
  std::string subscriber;
  std::string body;  // serialized Notification
};

class Store {
 public:
  explicit Store(Db& db) : db_(db) {}
  Db& db() { return db_; }

  // remembered_hash is the dedup check: the payload hash of the latest accepted event with
  // this id that was received at or after `cutoff_ns` or is still unfinished.
  Result<std::optional<std::string>> remembered_hash(std::string_view event_id,
                                                     std::int64_t cutoff_ns);

  Status quarantine_put(const QuarantineRow& row);
  // quarantine_prune drops rows received before `cutoff_ns` (at most 100 of the oldest per
  // call, so that a call costs the same however big the table) and the oldest rows beyond
  // `max_rows`; it returns how many it dropped.
  Result<std::int64_t> quarantine_prune(std::int64_t cutoff_ns, std::int64_t max_rows);
  Result<std::vector<QuarantineRow>> quarantine_list(std::int64_t limit);

  // event_insert writes the row with its state, finish time (if any) and command (if queued).
  Result<std::int64_t> event_insert(const EventRow& row);
  Result<EventRow> event_get(std::int64_t id);
  Result<std::optional<std::int64_t>> event_row_of(std::string_view event_id);
  // posted_row_of returns a posted row of `event_id` other than `except_row`, if any (an
  // earlier copy of an event that came back after its dedup retention).
  struct PostedRow {
    std::int64_t id = 0;
    std::string erp_document;
  };
  Result<std::optional<PostedRow>> posted_row_of(std::string_view event_id,
                                                 std::int64_t except_row);
  // rows_at returns the posted and queued rows with `ordering_key` and `sequence` other than
  // `except_row`, posted first: the events a replayed dead letter may repeat under another id.
  struct SlotRow {
    std::int64_t id = 0;
    std::string event_id;
    std::string state;
    std::string erp_document;
    std::string envelope;
  };
  Result<std::vector<SlotRow>> rows_at(std::string_view ordering_key, std::int64_t sequence,
                                       std::int64_t except_row);
  Status event_finish(std::int64_t id, std::string_view state, std::int64_t now_ns,
                      std::string_view erp_document);
  Status event_set_state(std::int64_t id, std::string_view state);
  // waiting_events returns the key's events held by the sequencer, by sequence.
  Result<std::vector<EventRow>> waiting_events(std::string_view ordering_key);
  // keys_with_waiting lists keys that have waiting events (for gap timers after a restart).
  Result<std::vector<std::string>> keys_with_waiting();
  // event_states returns the state of every accepted event, in arrival order.
  Result<std::vector<EventState>> event_states();
  // count_events counts events in one unfinished state: waiting, queued or dead_lettered.
  Result<std::int64_t> count_events(std::string_view state);
  // count_held_behind_dead_letters counts unfinished events (waiting, queued) whose key has a
  // parked dead letter earlier in its sequence: they wait for an operator, by design.
  Result<std::int64_t> count_held_behind_dead_letters();

  // Counters: the sequencer's next sequence per key and the notification sequence per
  // (subscriber, key) live in memory. A write kWithNextFlush reaches its table at the next
  // flush_counters, at most kCounterFlushIntervalNs later: it is for a value that a row written
  // in the same transaction already shows (the event released in order, the notification
  // recorded with its key_sequence), so the first read after opening or after a rollback folds
  // the rows written since the last flush back in. kNow writes the table at once, for values
  // no new row shows (held events released later, gap resolutions, unrecorded notifications).
  enum class CounterWrite { kNow, kWithNextFlush };
  static constexpr std::int64_t kCounterFlushIntervalNs = 60'000'000'000;  // 60 s

  Result<KeyState> key_get(std::string_view ordering_key);
  Status key_put(std::string_view ordering_key, const KeyState& state, CounterWrite write);
  // flush_counters writes the counters changed since the last flush if that was at least
  // kCounterFlushIntervalNs before `now_ns`. Call it in the transaction about to commit.
  Status flush_counters(std::int64_t now_ns);
  // backlog counts unfinished events (waiting, queued) by "<plant>/<domain>".
  Result<std::map<std::string, std::uint64_t>> backlog();

  // event_queue releases a held event: state queued, with its ERP command.
  Status event_queue(std::int64_t id, std::string_view command);
  // outbox_pending returns the commands of queued events, by key and sequence.
  Result<std::vector<OutboxRow>> outbox_pending();

  Status dead_letter_put(std::int64_t event_row, std::string_view cls, std::string_view reason,
                         std::int64_t now_ns);
  Status dead_letter_set_status(std::int64_t event_row, std::string_view status);
  Result<std::vector<DeadLetterRow>> dead_letters(bool parked_only);
  Result<std::optional<DeadLetterRow>> dead_letter_of(std::int64_t event_row);

  // next_notification_sequence returns the next sequence number for (subscriber, key) and
  // advances it (a counter, see CounterWrite).
  Result<std::int64_t> next_notification_sequence(std::string_view subscriber,
                                                  std::string_view ordering_key,
                                                  CounterWrite write);
  // notification_put records a notification (`key_sequence` is its sequence number for
  // (subscriber, ordering key)) and returns its seq (recording order).
  Result<std::int64_t> notification_put(std::string_view id, std::string_view subscriber,
                                        std::int64_t event_row, std::string_view ordering_key,
                                        std::int64_t key_sequence, std::string_view body);
  // notifications_after returns the notifications recorded after `seq`, in recording order.
  Result<std::vector<NotificationRow>> notifications_after(std::int64_t seq);
  // Ack watermarks: every notification of the subscriber up to acked_through is acknowledged.
  Result<std::map<std::string, std::int64_t>> notification_watermarks();
  // notification_watermark_add writes the subscriber's first watermark; it keeps an existing one.
  Status notification_watermark_add(std::string_view subscriber, std::int64_t acked_through);
  Status notification_watermark_put(std::string_view subscriber, std::int64_t acked_through);

  Status audit(std::int64_t now_ns, std::string_view action, std::string_view event_id,
               std::string_view correlation_id, std::string_view actor, std::string_view detail);

  // audit_log returns the last `limit` operator actions, oldest first.
  Result<std::vector<AuditRow>> audit_log(std::int64_t limit);

  Result<MasterData> load_master_data();
  Status save_master_data(const MasterData& master);

 private:
  Result<Statement*> prep(const char* sql) { return db_.prepare_static(sql); }
  // drop_stale_caches empties the counters if a transaction rolled back since they were read.
  void drop_stale_caches();
  // load_counter_tail folds the rows written since the last counter flush into the counters.
  Status load_counter_tail();
  Result<std::int64_t> stored_key_sequence(std::string_view ordering_key);
  Result<std::int64_t> stored_notification_sequence(std::string_view subscriber,
                                                    std::string_view ordering_key);
  Status write_key_sequence(std::string_view ordering_key, std::int64_t next);
  Status write_notification_sequence(std::string_view subscriber, std::string_view ordering_key,
                                     std::int64_t next);

  // TextHash lets the caches below be searched by std::string_view. They are hash maps
  // because ordering keys share long prefixes, which made ordered lookups compare for long;
  // they are never iterated.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using TextMap = std::unordered_map<std::string, V, TextHash, std::equal_to<>>;

  Db& db_;
  // The counters (only this connection writes their tables), those changed since the last
  // flush, and whether the rows written since then have been folded in.
  TextMap<std::int64_t> next_sequence_;               // by ordering key
  TextMap<TextMap<std::int64_t>> next_notification_;  // by subscriber, then ordering key
  std::set<std::string> unflushed_keys_;
  std::set<std::pair<std::string, std::string>> unflushed_notifications_;  // subscriber, key
  bool tail_loaded_ = false;
  std::int64_t last_flush_ns_ = 0;
  std::uint64_t caches_rollbacks_ = 0;
};

}  // namespace mw::core
