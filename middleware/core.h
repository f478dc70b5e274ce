// Core: the middleware core, assembled. This is the one class a host (the simulator's node, or
// the production daemon) talks to.
//
// Data flow of one event: an EventBatch frame arrives (on_message) -> each event is decoded by
// its adapter and validated (malformed: quarantined with its raw bytes, nacked) -> the dedup
// inbox (repeat: acked again; id reused with another payload: quarantined) -> the event is
// written and sequenced per ordering key, and released events are enriched into outbox commands
// or dead letters, all in ONE transaction per batch -> only after that commit is the sender
// acked -> the Poster posts commands to the ERP -> on success the posted mark and the
// downstream notifications commit together -> the Publisher delivers them.
//
// Crash safety: everything acked is in the store. open() rebuilds the in-memory state (posting
// queues, dead-letter barriers, outstanding notifications, gap timers) from it, so nothing
// acked is forgotten and nothing is posted twice.
//
// Threading: single-threaded. All calls, and all Runtime timer callbacks, on one thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "middleware/enrich/master_data.h"
#include "middleware/metrics/metrics.h"
#include "middleware/proto/config.pb.h"
#include "middleware/proto/wire.pb.h"
#include "middleware/result.h"
#include "middleware/runtime.h"
#include "middleware/store/store.h"

namespace mw::core {

class Sequencer;
class Poster;
class Publisher;
struct Context;
struct Effects;

class Core {
 public:
  // open opens (or creates) the store at `db_path` on the SQLite VFS `vfs` (empty: default),
  // migrates it, and recovers. `config` is completed with defaults; a config with
  // config_problems is refused (kInvalidArgument, naming each field).
  static Result<std::unique_ptr<Core>> open(const proto::Config& config, Runtime& runtime,
                                            const std::string& db_path, const std::string& vfs);
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;
  ~Core();

  // on_message handles one inbound frame from endpoint `from`. Never throws; bytes that are
  // not a frame are quarantined.
  void on_message(std::string_view from, std::string_view bytes);

  // Operator API. Each change is audited with the actor and the event's correlation id.
  // set_master_data replaces all master data (audited as actor "system" with counts).
  Status set_master_data(const MasterData& master, const std::string& actor = "system");
  const MasterData& master_data() const;
  Result<std::vector<DeadLetterRow>> dead_letters(bool parked_only = true);
  // replay re-enriches a parked dead letter with today's master data and queues it again in
  // its key's order. Fails (and leaves it parked) if it still cannot be posted. A fact is never
  // posted a second time: when the dead letter's event id was posted before, or its key and
  // sequence number were posted or are queued under another id with the same envelope (the
  // source sent the fact again under a new id), it is finished as discarded, its dead letter
  // marked "already_posted" (its key released, if it parked it) and audited. When they were
  // posted with another envelope, the replay is refused and the dead letter stays parked for
  // an operator to discard (two facts under one number: neither can be picked blindly).
  Status replay(const std::string& event_id, const std::string& actor);
  // replay_all replays every parked dead letter, in key order, except those of class
  // sequence_out_of_range: a number that far past its key's is corrupt far more often than
  // real, and replaying it in bulk would post a garbage record (out of order, if real). Each
  // needs an operator's decision, replay(event_id) or discard; they stay parked and listed.
  Status replay_all(const std::string& actor);
  // discard gives up on a parked dead letter; its key's later events continue.
  Status discard(const std::string& event_id, const std::string& reason, const std::string& actor);
  Result<std::vector<QuarantineRow>> quarantine(std::int64_t limit = 1000);
  // event_states returns where every accepted event is, in arrival order (an operator's "where
  // is my event", and what the simulator's oracles read at the end of a run).
  Result<std::vector<EventState>> event_states();
  // audit_log returns the last `limit` operator actions (replay, discard, master data).
  Result<std::vector<AuditRow>> audit_log(std::int64_t limit = 1000);

  MetricsSnapshot metrics();
  const proto::Config& config() const;

  // Parts is private, so only open() can build the argument of this constructor.
  struct Parts;
  explicit Core(std::unique_ptr<Parts> parts);

 private:
  Status recover();
  void on_batch(std::string_view from, const proto::EventBatch& batch);
  void ingest(std::string_view from, const proto::EventBatch& batch, bool send_acks);
  void apply(Effects& fx);
  void on_gap_timeout(const std::string& key);
  void quarantine_frame(std::string_view from, std::string_view bytes, const std::string& reason);
  // quarantine_put keeps the leading quarantine_kept_bytes of `raw` with its length and hash,
  // then drops what the quarantine's retention and cap no longer allow.
  Status quarantine_put(std::string_view from, const std::string& event_id, int format,
                        std::string_view raw, const std::string& reason);
  // finish_as_already_posted finishes a replayed dead letter that repeats a posted (or
  // queued) fact, with `what` (how that fact was posted) in the audit.
  Status finish_as_already_posted(const EventRow& row, const std::string& what,
                                  const DeadLetterRow& dl, const std::string& actor);

  std::unique_ptr<Parts> p_;
};

}  // namespace mw::core
