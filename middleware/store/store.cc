#include "middleware/store/store.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace mw::core {

void Store::drop_stale_caches() {
  if (db_.rollbacks() == caches_rollbacks_) return;
  next_sequence_.clear();
  next_notification_.clear();
  unflushed_keys_.clear();
  unflushed_notifications_.clear();
  tail_loaded_ = false;
  caches_rollbacks_ = db_.rollbacks();
}

Status Store::load_counter_tail() {
  MW_ASSIGN(marks, prep("SELECT events_through, notifications_through FROM counters_flushed"));
  MW_ASSIGN(found, marks->step());
  const std::int64_t events_through = found ? marks->column_int(0) : 0;
  const std::int64_t notifications_through = found ? marks->column_int(1) : 0;
  marks->reset();

  // An event released in order (any state but waiting) moved its key past its sequence. A
  // number dead-lettered as out of range never did, replayed or not: counting it once moved a
  // key to a corrupt 2^63-1 at a restart (and overflowed adding one), and every later event of
  // the key became a regression.
  MW_ASSIGN(events, prep("SELECT e.ordering_key, MAX(e.sequence) FROM events e WHERE e.id > ? "
                         "AND e.state != 'waiting' AND NOT EXISTS (SELECT 1 FROM dead_letters l "
                         "WHERE l.event_row = e.id AND l.class = 'sequence_out_of_range') "
                         "GROUP BY e.ordering_key"));
  events->bind(1, events_through);
  std::vector<std::pair<std::string, std::int64_t>> keys;
  for (;;) {
    MW_ASSIGN(row, events->step());
    if (!row) break;
    keys.emplace_back(events->column_text(0), events->column_int(1) + 1);
  }
  events->reset();
  // A counter ahead of its table stays unflushed: the next flush moves the marks past the
  // rows that show it.
  for (const auto& [key, next] : keys) {
    MW_ASSIGN(stored, stored_key_sequence(key));
    next_sequence_[key] = std::max(stored, next);
    if (next > stored) unflushed_keys_.insert(key);
  }

  MW_ASSIGN(notes, prep("SELECT subscriber, ordering_key, MAX(key_sequence) FROM notifications "
                        "WHERE seq > ? GROUP BY subscriber, ordering_key"));
  notes->bind(1, notifications_through);
  std::vector<std::tuple<std::string, std::string, std::int64_t>> counters;
  for (;;) {
    MW_ASSIGN(row, notes->step());
    if (!row) break;
    counters.emplace_back(notes->column_text(0), notes->column_text(1), notes->column_int(2) + 1);
  }
  notes->reset();
  for (const auto& [subscriber, key, next] : counters) {
    MW_ASSIGN(stored, stored_notification_sequence(subscriber, key));
    next_notification_[subscriber][key] = std::max(stored, next);
    if (next > stored) unflushed_notifications_.emplace(subscriber, key);
  }
  tail_loaded_ = true;
  return Status::ok();
}

Status Store::flush_counters(std::int64_t now_ns) {
  drop_stale_caches();
  if (unflushed_keys_.empty() && unflushed_notifications_.empty()) return Status::ok();
  if (now_ns - last_flush_ns_ < kCounterFlushIntervalNs) return Status::ok();
  for (const std::string& key : unflushed_keys_) {
    MW_TRY(write_key_sequence(key, next_sequence_.find(key)->second));
  }
  for (const auto& [subscriber, key] : unflushed_notifications_) {
    MW_TRY(write_notification_sequence(
        subscriber, key, next_notification_.find(subscriber)->second.find(key)->second));
  }
  // Every row written so far, in this transaction too, is in the counters just written.
  MW_ASSIGN(st, prep("INSERT OR REPLACE INTO counters_flushed(id, events_through, "
                     "notifications_through) VALUES(1, (SELECT COALESCE(MAX(id), 0) FROM events), "
                     "(SELECT COALESCE(MAX(seq), 0) FROM notifications))"));
  MW_TRY(st->run());
  unflushed_keys_.clear();
  unflushed_notifications_.clear();
  last_flush_ns_ = now_ns;
  return Status::ok();
}

Result<std::optional<std::string>> Store::remembered_hash(std::string_view event_id,
                                                          std::int64_t cutoff_ns) {
  MW_ASSIGN(
      st,
      prep("SELECT payload_hash FROM events WHERE event_id = ? AND (received_ns >= ? OR state IN "
           "('waiting', 'queued', 'dead_lettered')) ORDER BY id DESC LIMIT 1"));
  st->bind(1, event_id).bind(2, cutoff_ns);
  MW_ASSIGN(row, st->step());
  std::optional<std::string> hash;
  if (row) hash = st->column_text(0);
  st->reset();
  return hash;
}

Status Store::quarantine_put(const QuarantineRow& r) {
  MW_ASSIGN(st, prep("INSERT INTO quarantine(received_ns, sender, event_id, format, raw, reason, "
                     "raw_length, raw_hash) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
  return st->bind(1, r.received_ns)
      .bind(2, r.sender)
      .bind(3, r.event_id)
      .bind(4, std::int64_t{r.format})
      .bind_blob(5, r.raw)
      .bind(6, r.reason)
      .bind(7, r.raw_length)
      .bind(8, r.raw_hash)
      .run();
}

Result<std::int64_t> Store::quarantine_prune(std::int64_t cutoff_ns, std::int64_t max_rows) {
  MW_ASSIGN(old, prep("DELETE FROM quarantine WHERE id IN (SELECT id FROM quarantine ORDER BY id "
                      "LIMIT 100) AND received_ns < ?"));
  MW_TRY(old->bind(1, cutoff_ns).run());
  std::int64_t dropped = db_.changes();
  MW_ASSIGN(over, prep("DELETE FROM quarantine WHERE id <= (SELECT MAX(id) FROM quarantine) - ?"));
  MW_TRY(over->bind(1, max_rows).run());
  return dropped + db_.changes();
}

Result<std::vector<QuarantineRow>> Store::quarantine_list(std::int64_t limit) {
  MW_ASSIGN(st, prep("SELECT id, received_ns, sender, event_id, format, raw, reason, raw_length, "
                     "raw_hash FROM quarantine ORDER BY id LIMIT ?"));
  st->bind(1, limit);
  std::vector<QuarantineRow> out;
  for (;;) {
    MW_ASSIGN(row, st->step());
    if (!row) break;
    out.push_back(QuarantineRow{st->column_int(0), st->column_int(1), st->column_text(2),
                                st->column_text(3), static_cast<int>(st->column_int(4)),
                                st->column_blob(5), st->column_text(6), st->column_int(7),
                                st->column_text(8)});
  }
  st->reset();
  return out;
}

Result<std::vector<EventState>> Store::event_states() {
  MW_ASSIGN(st, prep("SELECT event_id, ordering_key, sequence, state, COALESCE(erp_document, ''), "
                     "received_ns, "
                     "COALESCE(finished_ns, 0) FROM events ORDER BY id"));
  std::vector<EventState> out;
  for (;;) {
    MW_ASSIGN(row, st->step());
    if (!row) break;
    out.push_back(EventState{st->column_text(0), st->column_text(1), st->column_int(2),
                             st->column_text(3), st->column_text(4), st->column_int(5),
                             st->column_int(6)});
  }
  st->reset();
  return out;
}

Result<std::int64_t> Store::event_insert(const EventRow& r) {
  MW_ASSIGN(
      st, prep("INSERT INTO events(event_id, payload_hash, ordering_key, sequence, plant, domain, "
               "correlation_id, state, received_ns, finished_ns, erp_document, command, envelope) "
               "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st->bind(1, r.event_id)
      .bind(2, r.payload_hash)
      .bind(3, r.ordering_key)
      .bind(4, r.sequence)
      .bind(5, r.plant)
      .bind(6, r.domain)
      .bind(7, r.correlation_id)
      .bind(8, r.state)
      .bind(9, r.received_ns);
  if (r.finished_ns != 0) st->bind(10, r.finished_ns).bind(11, std::string_view(""));
  if (!r.command.empty()) st->bind_blob(12, r.command);
  MW_TRY(st->bind_blob(13, r.envelope).run());
  return db_.last_insert_rowid();
}

namespace {
constexpr const char* kEventColumns =
    "id, event_id, payload_hash, ordering_key, sequence, plant, domain, correlation_id, envelope, "
    "state, "
    "received_ns, COALESCE(finished_ns, 0)";

EventRow read_event(const Statement& st) {
  return EventRow{st.column_int(0),
                  st.column_text(1),
                  st.column_text(2),
                  st.column_text(3),
                  st.column_int(4),
                  st.column_text(5),
                  st.column_text(6),
                  st.column_text(7),
                  st.column_blob(8),
                  st.column_text(9),
                  st.column_int(10),
                  st.column_int(11),
                  ""};
}
}  // namespace

Result<EventRow> Store::event_get(std::int64_t id) {
  MW_ASSIGN(st, db_.prepare(std::string("SELECT ") + kEventColumns + " FROM events WHERE id = ?"));
  st->bind(1, id);
  MW_ASSIGN(row, st->step());
  if (!row) {
    st->reset();
    return Error{ErrorKind::kNotFound, "no event row " + std::to_string(id)};
  }
  EventRow e = read_event(*st);
  st->reset();
  return e;
}

Result<std::optional<std::int64_t>> Store::event_row_of(std::string_view event_id) {
  MW_ASSIGN(st, prep("SELECT id FROM events WHERE event_id = ? ORDER BY id DESC LIMIT 1"));
  st->bind(1, event_id);
  MW_ASSIGN(row, st->step());
  std::optional<std::int64_t> id;
  if (row) id = st->column_int(0);
  st->reset();
  return id;
}

Result<std::optional<Store::PostedRow>> Store::posted_row_of(std::string_view event_id,
                                                             std::int64_t except_row) {
  MW_ASSIGN(st, prep("SELECT id, COALESCE(erp_document, '') FROM events WHERE event_id = ? AND "
                     "state = 'posted' AND id != ? ORDER BY id LIMIT 1"));
  st->bind(1, event_id).bind(2, except_row);
  MW_ASSIGN(row, st->step());
  std::optional<PostedRow> p;
  if (row) p = PostedRow{st->column_int(0), st->column_text(1)};
  st->reset();
  return p;
}

Result<std::vector<Store::SlotRow>> Store::rows_at(std::string_view ordering_key,
                                                   std::int64_t sequence,
                                                   std::int64_t except_row) {
  // One SELECT per state, so that each runs on its partial index (events_posted, events_queued).
  static constexpr std::pair<const char*, const char*> kByState[] = {
      {"posted",
       "SELECT id, event_id, COALESCE(erp_document, ''), envelope FROM events WHERE "
       "ordering_key = ? AND sequence = ? AND state = 'posted' AND id != ? ORDER BY id"},
      {"queued",
       "SELECT id, event_id, COALESCE(erp_document, ''), envelope FROM events WHERE "
       "ordering_key = ? AND sequence = ? AND state = 'queued' AND id != ? ORDER BY id"}};
  std::vector<SlotRow> out;
  for (const auto& [state, sql] : kByState) {
    MW_ASSIGN(st, prep(sql));
    st->bind(1, ordering_key).bind(2, sequence).bind(3, except_row);
    for (;;) {
      MW_ASSIGN(row, st->step());
      if (!row) break;
      out.push_back(SlotRow{st->column_int(0), st->column_text(1), state, st->column_text(2),
                            st->column_blob(3)});
    }
    st->reset();
  }
  return out;
}

Status Store::event_finish(std::int64_t id, std::string_view state, std::int64_t now_ns,
                           std::string_view erp_document) {
  MW_ASSIGN(st,
            prep("UPDATE events SET state = ?, finished_ns = ?, erp_document = ? WHERE id = ?"));
  return st->bind(1, state).bind(2, now_ns).bind(3, erp_document).bind(4, id).run();
}

Status Store::event_set_state(std::int64_t id, std::string_view state) {
  MW_ASSIGN(st, prep("UPDATE events SET state = ? WHERE id = ?"));
  return st->bind(1, state).bind(2, id).run();
}

Result<std::vector<EventRow>> Store::waiting_events(std::string_view ordering_key) {
  MW_ASSIGN(st,
            db_.prepare(
                std::string("SELECT ") + kEventColumns +
                " FROM events WHERE ordering_key = ? AND state = 'waiting' ORDER BY sequence, id"));
  st->bind(1, ordering_key);
  std::vector<EventRow> out;
  for (;;) {
    MW_ASSIGN(row, st->step());
    if (!row) break;
    out.push_back(read_event(*st));
  }
  st->reset();
  return out;
}

Result<std::vector<std::string>> Store::keys_with_waiting() {
  MW_ASSIGN(st, prep("SELECT DISTINCT ordering_key FROM events WHERE state = 'waiting' ORDER BY "
                     "ordering_key"));
  std::vector<std::string> out;
  for (;;) {
    MW_ASSIGN(row, st->step());
    if (!row) break;
    out.push_back(st->column_text(0));
  }
  st->reset();
  return out;
}

Result<std::int64_t> Store::count_events(std::string_view state) {
  // The state is spelled out in the SQL so that SQLite can use the state's partial index.
  if (state != kWaiting && state != kQueued && state != kDeadLettered) {
    return Error{ErrorKind::kInvalidArgument, "count_events counts unfinished states only"};
  }
  MW_ASSIGN(st,
            db_.prepare("SELECT COUNT(*) FROM events WHERE state = '" + std::string(state) + "'"));
  MW_ASSIGN(row, st->step());
  const std::int64_t n = row ? st->column_int(0) : 0;
  st->reset();
  return n;
}

Result<std::int64_t> Store::count_held_behind_dead_letters() {
  // An event is held when its key has a dead letter of a lower sequence, i.e. when it comes
  // after the key's first dead letter. Finding that first dead letter once per key keeps the
  // cost at (dead letters + held events); testing each unfinished event against every dead
  // letter of its key cost their product, which a key of hundreds of dead letters made the
  // hottest query of a metrics scrape. Each side names one state, so SQLite uses that state's
  // partial index. Only a dead letter that parks its key holds anything: a sequence regression
  // or an out-of-range number (the two classes parks_its_key excludes) is behind the key, or
  // never reached, and counting the events after it hid work still in flight (a drain check
  // passed while a key's postings were backing off).
  MW_ASSIGN(st, prep("WITH first_dead(ordering_key, sequence) AS ("
                     "SELECT e.ordering_key, MIN(e.sequence) FROM events e "
                     "JOIN dead_letters l ON l.event_row = e.id "
                     "WHERE e.state = 'dead_lettered' AND l.class NOT IN "
                     "('sequence_regression', 'sequence_out_of_range') GROUP BY e.ordering_key) "
                     "SELECT (SELECT COUNT(*) FROM first_dead d JOIN events e "
                     "ON e.ordering_key = d.ordering_key AND e.sequence > d.sequence "
                     "WHERE e.state = 'waiting') + "
                     "(SELECT COUNT(*) FROM first_dead d JOIN events e "
                     "ON e.ordering_key = d.ordering_key AND e.sequence > d.sequence "
                     "WHERE e.state = 'queued')"));
  MW_ASSIGN(row, st->step());
  const std::int64_t n = row ? st->column_int(0) : 0;
  st->reset();
  return n;
}

Result<std::int64_t> Store::stored_key_sequence(std::string_view ordering_key) {
  MW_ASSIGN(st, prep("SELECT next_sequence FROM sequence_keys WHERE ordering_key = ?"));
  st->bind(1, ordering_key);
  MW_ASSIGN(row, st->step());
  const std::int64_t next = row ? st->column_int(0) : KeyState{}.next_sequence;
  st->reset();
  return next;
}

Status Store::write_key_sequence(std::string_view ordering_key, std::int64_t next) {
  MW_ASSIGN(st,
            prep("INSERT OR REPLACE INTO sequence_keys(ordering_key, next_sequence) VALUES(?, ?)"));
  return st->bind(1, ordering_key).bind(2, next).run();
}

Result<KeyState> Store::key_get(std::string_view ordering_key) {
  drop_stale_caches();
  if (!tail_loaded_) MW_TRY(load_counter_tail());
  if (auto it = next_sequence_.find(ordering_key); it != next_sequence_.end())
    return KeyState{it->second};
  MW_ASSIGN(next, stored_key_sequence(ordering_key));
  next_sequence_.emplace(std::string(ordering_key), next);
  return KeyState{next};
}

Status Store::key_put(std::string_view ordering_key, const KeyState& k, CounterWrite write) {
  drop_stale_caches();
  if (!tail_loaded_) MW_TRY(load_counter_tail());
  if (write == CounterWrite::kNow) MW_TRY(write_key_sequence(ordering_key, k.next_sequence));
  auto it = next_sequence_.find(ordering_key);
  if (it == next_sequence_.end()) it = next_sequence_.emplace(std::string(ordering_key), 0).first;
  it->second = k.next_sequence;
  if (write == CounterWrite::kWithNextFlush) {
    unflushed_keys_.emplace(ordering_key);
  } else if (!unflushed_keys_.empty()) {
    unflushed_keys_.erase(std::string(ordering_key));
  }
  return Status::ok();
}

Result<std::map<std::string, std::uint64_t>> Store::backlog() {
  MW_ASSIGN(st, prep("SELECT plant, domain, COUNT(*) FROM (SELECT plant, domain FROM events WHERE "
                     "state = 'waiting' "
                     "UNION ALL SELECT plant, domain FROM events WHERE state = 'queued') "
                     "GROUP BY plant, domain ORDER BY plant, domain"));
  std::map<std::string, std::uint64_t> out;
  for (;;) {
    MW_ASSIGN(row, st->step());
    if (!row) break;
    out[st->column_text(0) + "/" + st->column_text(1)] =
        static_cast<std::uint64_t>(st->column_int(2));
  }
  st->reset();
  return out;
}

Status Store::event_queue(std::int64_t id, std::string_view command) {
  MW_ASSIGN(st, prep("UPDATE events SET state = 'queued', command = ? WHERE id = ?"));
  return st->bind_blob(1, command).bind(2, id).run();
}

Result<std::vector<OutboxRow>> Store::outbox_pending() {
  MW_ASSIGN(st, prep("SELECT id, ordering_key, sequence, command FROM events "
                     "WHERE state = 'queued' ORDER BY ordering_key, sequence, id"));
  std::vector<OutboxRow> out;
  for (;;) {
    MW_ASSIGN(row, st->step());
    if (!row) break;
    out.push_back(
        OutboxRow{st->column_int(0), st->column_text(1), st->column_int(2), st->column_blob(3)});
  }
  st->reset();
  return out;
}

Status Store::dead_letter_put(std::int64_t event_row, std::string_view cls, std::string_view reason,
                              std::int64_t now_ns) {
  MW_ASSIGN(st,
            prep("INSERT OR REPLACE INTO dead_letters(event_row, class, reason, parked_ns, status) "
                 "VALUES(?, ?, ?, ?, 'parked')"));
  return st->bind(1, event_row).bind(2, cls).bind(3, reason).bind(4, now_ns).run();
}

Status Store::dead_letter_set_status(std::int64_t event_row, std::string_view status) {
  MW_ASSIGN(st, prep("UPDATE dead_letters SET status = ? WHERE event_row = ?"));
  return st->bind(1, status).bind(2, event_row).run();
}

namespace {
constexpr const char* kDeadLetterSelect =
    "SELECT d.event_row, e.event_id, e.ordering_key, e.sequence, e.correlation_id, d.class, "
    "d.reason, "
    "d.parked_ns, d.status FROM dead_letters d JOIN events e ON e.id = d.event_row ";

DeadLetterRow read_dead_letter(const Statement& st) {
  return DeadLetterRow{st.column_int(0),  st.column_text(1), st.column_text(2),
                       st.column_int(3),  st.column_text(4), st.column_text(5),
                       st.column_text(6), st.column_int(7),  st.column_text(8)};
}
}  // namespace

Result<std::vector<DeadLetterRow>> Store::dead_letters(bool parked_only) {
  MW_ASSIGN(st, db_.prepare(std::string(kDeadLetterSelect) +
                            (parked_only ? "WHERE d.status = 'parked' " : "") +
                            "ORDER BY e.ordering_key, e.sequence, d.event_row"));
  std::vector<DeadLetterRow> out;
  for (;;) {
    MW_ASSIGN(row, st->step());
    if (!row) break;
    out.push_back(read_dead_letter(*st));
  }
  st->reset();
  return out;
}

Result<std::optional<DeadLetterRow>> Store::dead_letter_of(std::int64_t event_row) {
  MW_ASSIGN(st, db_.prepare(std::string(kDeadLetterSelect) + "WHERE d.event_row = ?"));
  st->bind(1, event_row);
  MW_ASSIGN(row, st->step());
  std::optional<DeadLetterRow> out;
  if (row) out = read_dead_letter(*st);
  st->reset();
  return out;
}

Result<std::int64_t> Store::stored_notification_sequence(std::string_view subscriber,
                                                         std::string_view ordering_key) {
  MW_ASSIGN(st, prep("SELECT next_sequence FROM notification_sequences WHERE subscriber = ? "
                     "AND ordering_key = ?"));
  st->bind(1, subscriber).bind(2, ordering_key);
  MW_ASSIGN(row, st->step());
  const std::int64_t next = row ? st->column_int(0) : 1;
  st->reset();
  return next;
}

Status Store::write_notification_sequence(std::string_view subscriber,
                                          std::string_view ordering_key, std::int64_t next) {
  MW_ASSIGN(
      st,
      prep("INSERT OR REPLACE INTO notification_sequences(subscriber, ordering_key, next_sequence) "
           "VALUES(?, ?, ?)"));
  return st->bind(1, subscriber).bind(2, ordering_key).bind(3, next).run();
}

Result<std::int64_t> Store::next_notification_sequence(std::string_view subscriber,
                                                       std::string_view ordering_key,
                                                       CounterWrite write) {
  drop_stale_caches();
  if (!tail_loaded_) MW_TRY(load_counter_tail());
  auto by_key = next_notification_.find(subscriber);
  if (by_key == next_notification_.end()) {
    by_key = next_notification_.emplace(std::string(subscriber), TextMap<std::int64_t>{}).first;
  }
  auto it = by_key->second.find(ordering_key);
  if (it == by_key->second.end()) {
    MW_ASSIGN(next, stored_notification_sequence(subscriber, ordering_key));
    it = by_key->second.emplace(std::string(ordering_key), next).first;
  }
  const std::int64_t sequence = it->second;
  if (write == CounterWrite::kNow) {
    MW_TRY(write_notification_sequence(subscriber, ordering_key, sequence + 1));
  } else {
    unflushed_notifications_.emplace(std::string(subscriber), std::string(ordering_key));
  }
  it->second = sequence + 1;
  return sequence;
}

Result<std::int64_t> Store::notification_put(std::string_view id, std::string_view subscriber,
                                             std::int64_t event_row, std::string_view ordering_key,
                                             std::int64_t key_sequence, std::string_view body) {
  MW_ASSIGN(st, prep("INSERT INTO notifications(id, subscriber, event_row, ordering_key, "
                     "key_sequence, body) VALUES(?, ?, ?, ?, ?, ?)"));
  MW_TRY(st->bind(1, id)
             .bind(2, subscriber)
             .bind(3, event_row)
             .bind(4, ordering_key)
             .bind(5, key_sequence)
             .bind_blob(6, body)
             .run());
  return db_.last_insert_rowid();
}

Result<std::vector<NotificationRow>> Store::notifications_after(std::int64_t seq) {
  MW_ASSIGN(st, prep("SELECT seq, id, subscriber, body FROM notifications WHERE seq > ? "
                     "ORDER BY seq"));
  st->bind(1, seq);
  std::vector<NotificationRow> out;
  for (;;) {
    MW_ASSIGN(row, st->step());
    if (!row) break;
    out.push_back(NotificationRow{st->column_int(0), st->column_text(1), st->column_text(2),
                                  st->column_blob(3)});
  }
  st->reset();
  return out;
}

Result<std::map<std::string, std::int64_t>> Store::notification_watermarks() {
  MW_ASSIGN(st, prep("SELECT subscriber, acked_through FROM notification_watermarks"));
  std::map<std::string, std::int64_t> out;
  for (;;) {
    MW_ASSIGN(row, st->step());
    if (!row) break;
    out[st->column_text(0)] = st->column_int(1);
  }
  st->reset();
  return out;
}

Status Store::notification_watermark_add(std::string_view subscriber, std::int64_t acked_through) {
  MW_ASSIGN(st, prep("INSERT OR IGNORE INTO notification_watermarks(subscriber, acked_through) "
                     "VALUES(?, ?)"));
  return st->bind(1, subscriber).bind(2, acked_through).run();
}

Status Store::notification_watermark_put(std::string_view subscriber, std::int64_t acked_through) {
  MW_ASSIGN(st,
            prep("INSERT INTO notification_watermarks(subscriber, acked_through) VALUES(?, ?) "
                 "ON CONFLICT(subscriber) DO UPDATE SET acked_through = excluded.acked_through"));
  return st->bind(1, subscriber).bind(2, acked_through).run();
}

Status Store::audit(std::int64_t now_ns, std::string_view action, std::string_view event_id,
                    std::string_view correlation_id, std::string_view actor,
                    std::string_view detail) {
  MW_ASSIGN(st, prep("INSERT INTO audit(at_ns, action, event_id, correlation_id, actor, detail) "
                     "VALUES(?, ?, ?, ?, ?, ?)"));
  return st->bind(1, now_ns)
      .bind(2, action)
      .bind(3, event_id)
      .bind(4, correlation_id)
      .bind(5, actor)
      .bind(6, detail)
      .run();
}

Result<std::vector<AuditRow>> Store::audit_log(std::int64_t limit) {
  MW_ASSIGN(st, prep("SELECT at_ns, action, event_id, correlation_id, actor, detail FROM "
                     "(SELECT * FROM audit ORDER BY id DESC LIMIT ?) ORDER BY id"));
  st->bind(1, limit);
  std::vector<AuditRow> out;
  for (;;) {
    MW_ASSIGN(row, st->step());
    if (!row) break;
    out.push_back(AuditRow{st->column_int(0), st->column_text(1), st->column_text(2),
                           st->column_text(3), st->column_text(4), st->column_text(5)});
  }
  st->reset();
  return out;
}

Result<MasterData> Store::load_master_data() {
  MasterData m;
  MW_ASSIGN(plants, prep("SELECT plant, erp_plant, cost_center FROM master_plants ORDER BY plant"));
  for (;;) {
    MW_ASSIGN(row, plants->step());
    if (!row) break;
    m.plants[plants->column_text(0)] = PlantInfo{plants->column_text(1), plants->column_text(2)};
  }
  plants->reset();
  MW_ASSIGN(
      mats,
      prep("SELECT material, erp_material, base_uom FROM master_materials ORDER BY material"));
  for (;;) {
    MW_ASSIGN(row, mats->step());
    if (!row) break;
    m.materials[mats->column_text(0)] = MaterialInfo{mats->column_text(1), mats->column_text(2)};
  }
  mats->reset();
  MW_ASSIGN(uoms, prep("SELECT from_uom, to_uom, numerator, denominator FROM master_uom ORDER BY "
                       "from_uom, to_uom"));
  for (;;) {
    MW_ASSIGN(row, uoms->step());
    if (!row) break;
    m.conversions[{uoms->column_text(0), uoms->column_text(1)}] =
        UomConversion{uoms->column_int(2), uoms->column_int(3)};
  }
  uoms->reset();
  return m;
}

Status Store::save_master_data(const MasterData& m) {
  MW_TRY(
      db_.exec("DELETE FROM master_plants; DELETE FROM master_materials; DELETE FROM master_uom;"));
  for (const auto& [plant, info] : m.plants) {
    MW_ASSIGN(st, prep("INSERT INTO master_plants(plant, erp_plant, cost_center) VALUES(?, ?, ?)"));
    MW_TRY(st->bind(1, plant).bind(2, info.erp_plant).bind(3, info.cost_center).run());
  }
  for (const auto& [material, info] : m.materials) {
    MW_ASSIGN(
        st, prep("INSERT INTO master_materials(material, erp_material, base_uom) VALUES(?, ?, ?)"));
    MW_TRY(st->bind(1, material).bind(2, info.erp_material).bind(3, info.base_uom).run());
  }
  for (const auto& [units, c] : m.conversions) {
    MW_ASSIGN(
        st,
        prep(
            "INSERT INTO master_uom(from_uom, to_uom, numerator, denominator) VALUES(?, ?, ?, ?)"));
    MW_TRY(st->bind(1, units.first)
               .bind(2, units.second)
               .bind(3, c.numerator)
               .bind(4, c.denominator)
               .run());
  }
  return Status::ok();
}

}  // namespace mw::core
