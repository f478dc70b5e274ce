#include "middleware/store/schema.h"

#include <algorithm>
#include <array>
#include <string>

namespace mw::core {
namespace {

// Version 1: the whole pipeline. States are text so a person reading the database with the
// sqlite3 shell understands it.
constexpr const char* kV1 = R"sql(
CREATE TABLE quarantine(
  id INTEGER PRIMARY KEY,
  received_ns INTEGER NOT NULL,
  sender TEXT NOT NULL,
  event_id TEXT NOT NULL,
  format INTEGER NOT NULL,
  raw BLOB NOT NULL,
  reason TEXT NOT NULL
);

-- One row per accepted event, in arrival order. It is also the dedup inbox (event id and the
-- payload hash, remembered for dedup_retention_days and for as long as the event is
-- unfinished) and the outbox (the ERP command, written in the transaction that releases the
-- event). state:
--   waiting: held by the sequencer for an earlier sequence number
--   queued: released; its ERP command waits to be posted
--   posted, no_posting: done (no_posting: an event with no ERP effect)
--   dead_lettered: parked in the DLQ; discarded: an operator gave up on it
-- One table for the three roles, because each extra table or index is another page that every
-- event's transactions write and checksum into the WAL.
CREATE TABLE events(
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  ordering_key TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  plant TEXT NOT NULL,
  domain TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  state TEXT NOT NULL,
  received_ns INTEGER NOT NULL,
  finished_ns INTEGER,
  erp_document TEXT,
  command BLOB,
  envelope BLOB NOT NULL
);
-- Partial indexes cover only unfinished events, so their cost does not grow with history.
CREATE INDEX events_by_event_id ON events(event_id);
CREATE INDEX events_waiting ON events(ordering_key, sequence) WHERE state = 'waiting';
CREATE INDEX events_queued ON events(ordering_key, sequence) WHERE state = 'queued';
CREATE INDEX events_dead_lettered ON events(ordering_key) WHERE state = 'dead_lettered';

-- Sequencer state per ordering key: the next source sequence number it will release. Like
-- notification_sequences, written once a minute rather than with each event (see
-- counters_flushed).
CREATE TABLE sequence_keys(
  ordering_key TEXT PRIMARY KEY,
  next_sequence INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE dead_letters(
  event_row INTEGER PRIMARY KEY REFERENCES events(id),
  class TEXT NOT NULL,
  reason TEXT NOT NULL,
  parked_ns INTEGER NOT NULL,
  status TEXT NOT NULL
);

-- Downstream notifications, enqueued in the transaction that marks their event posted and
-- numbered (seq) in the order they were recorded. Acks are not written per notification: each
-- subscriber has a watermark (all its notifications up to acked_through are acknowledged),
-- and a restart resends the subscriber's notifications above it (subscribers drop ids they
-- have seen). The watermark row is written with the subscriber's first notification.
CREATE TABLE notifications(
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  subscriber TEXT NOT NULL,
  event_row INTEGER NOT NULL,
  ordering_key TEXT NOT NULL,
  key_sequence INTEGER NOT NULL,  -- the body's sequence number for (subscriber, ordering_key)
  body BLOB NOT NULL
);
CREATE TABLE notification_watermarks(
  subscriber TEXT PRIMARY KEY,
  acked_through INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE notification_sequences(
  subscriber TEXT NOT NULL,
  ordering_key TEXT NOT NULL,
  next_sequence INTEGER NOT NULL,
  PRIMARY KEY(subscriber, ordering_key)
) WITHOUT ROWID;

-- How far sequence_keys and notification_sequences are up to date. The counters live in
-- memory and are written once a minute, not with every event: the events after
-- events_through (released ones) and the notifications after notifications_through carry the
-- rest, and are folded back in when the core opens or after a rollback.
CREATE TABLE counters_flushed(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  events_through INTEGER NOT NULL,
  notifications_through INTEGER NOT NULL
);

CREATE TABLE audit(
  id INTEGER PRIMARY KEY,
  at_ns INTEGER NOT NULL,
  action TEXT NOT NULL,
  event_id TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  detail TEXT NOT NULL
);

CREATE TABLE master_plants(
  plant TEXT PRIMARY KEY, erp_plant TEXT NOT NULL, cost_center TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE master_materials(
  material TEXT PRIMARY KEY, erp_material TEXT NOT NULL, base_uom TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE master_uom(
  from_uom TEXT NOT NULL, to_uom TEXT NOT NULL,
  numerator INTEGER NOT NULL, denominator INTEGER NOT NULL,
  PRIMARY KEY(from_uom, to_uom)) WITHOUT ROWID;
)sql";

// Version 2: quarantine rows keep a bounded prefix of what was refused, with the length and
// the hash of the whole (rows of version 1 were whole, so their length is their own).
constexpr const char* kV2 = R"sql(
ALTER TABLE quarantine ADD COLUMN raw_length INTEGER NOT NULL DEFAULT 0;
ALTER TABLE quarantine ADD COLUMN raw_hash TEXT NOT NULL DEFAULT '';
UPDATE quarantine SET raw_length = length(raw);
)sql";

// Version 3: posted events by (ordering key, sequence number). A replayed regression is matched
// through it to the fact it repeats when the source sent that fact again under a new event id
// (an MES re-exporting its journal after a restore). Unlike the other partial indexes it grows
// with history; it is written once per posting, by the posted mark, and read only by replay.
constexpr const char* kV3 = R"sql(
CREATE INDEX events_posted ON events(ordering_key, sequence) WHERE state = 'posted';
)sql";

constexpr std::array<const char*, kSchemaVersion> kMigrations = {kV1, kV2, kV3};

}  // namespace

Result<int> schema_version(Db& db) {
  Status s = db.exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
  if (!s.is_ok()) return s.error();
  Result<Statement*> st = db.prepare("SELECT version FROM schema_version");
  if (!st.is_ok()) return st.error();
  Result<bool> row = st.value()->step();
  if (!row.is_ok()) return row.error();
  const int version = row.value() ? static_cast<int>(st.value()->column_int(0)) : 0;
  st.value()->reset();
  return version;
}

Status migrate(Db& db, int target) {
  Result<int> current = schema_version(db);
  if (!current.is_ok()) return current.status();
  if (current.value() > kSchemaVersion) {
    return technical("database schema version " + std::to_string(current.value()) +
                     " is newer than this core understands (" + std::to_string(kSchemaVersion) +
                     ")");
  }
  for (int v = current.value() + 1; v <= std::min(target, kSchemaVersion); ++v) {
    Transaction tx(db);
    Status s = tx.begin();
    if (!s.is_ok()) return s;
    s = db.exec(kMigrations[static_cast<std::size_t>(v - 1)]);
    if (!s.is_ok()) return s;
    s = db.exec(v == 1 ? "INSERT INTO schema_version(version) VALUES(1)"
                       : "UPDATE schema_version SET version = " + std::to_string(v));
    if (!s.is_ok()) return s;
    s = tx.commit();
    if (!s.is_ok()) return s;
  }
  return Status::ok();
}

}  // namespace mw::core
