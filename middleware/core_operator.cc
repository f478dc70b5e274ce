// Core's operator API: master data, dead-letter replay and discard, quarantine listing.
#include <optional>
#include <string>
#include <variant>

#include "middleware/core.h"
#include "middleware/core_parts.h"
#include "middleware/enrich/enrich.h"
#include "middleware/pipeline/context.h"
#include "middleware/pipeline/effects.h"
#include "middleware/pipeline/poster.h"
#include "middleware/pipeline/publisher.h"
#include "middleware/pipeline/sequencer.h"
#include "middleware/probes.h"
#include "middleware/proto_util.h"

namespace mw::core {
namespace {

// find_parked returns the event row of a parked dead letter with id `event_id`.
Result<EventRow> find_parked(Store& store, const std::string& event_id) {
  MW_ASSIGN(row_id, store.event_row_of(event_id));
  if (!row_id) return Error{ErrorKind::kNotFound, "no event with id '" + event_id + "'"};
  MW_ASSIGN(dl, store.dead_letter_of(*row_id));
  MW_ASSIGN(row, store.event_get(*row_id));
  if (!dl || dl->status != "parked" || row.state != kDeadLettered) {
    return Error{ErrorKind::kInvalidArgument,
                 "event '" + event_id + "' is not a parked dead letter (state " + row.state + ")"};
  }
  return row;
}

// repeated_fact says how the fact a replayed dead letter `row` carries was already posted (or
// queued), if it was: under the same event id, or under another id with the same envelope.
// The same key and sequence posted or queued with another envelope only is an error: two
// facts, one number. Every row of the slot is compared before refusing, so that a matching
// row is found even beside a different one.
Result<std::optional<std::string>> repeated_fact(Store& store, const EventRow& row,
                                                 const proto::EventEnvelope& env) {
  MW_ASSIGN(posted, store.posted_row_of(row.event_id, row.id));
  if (posted) {
    return std::optional<std::string>("the event was posted as row " + std::to_string(posted->id) +
                                      " (ERP document " + posted->erp_document + ")");
  }
  proto::EventEnvelope anonymous = env;
  anonymous.clear_event_id();
  const std::string fact = serialize_deterministic(anonymous);
  MW_ASSIGN(slot, store.rows_at(row.ordering_key, row.sequence, row.id));
  std::string different;  // where the first row with another envelope is, if any
  for (const Store::SlotRow& other : slot) {
    proto::EventEnvelope theirs;
    if (!theirs.ParseFromString(other.envelope))
      return technical("stored envelope of row " + std::to_string(other.id) + " does not parse");
    theirs.clear_event_id();
    const std::string where = " as event '" + other.event_id + "' (row " +
                              std::to_string(other.id) +
                              (other.state == kPosted ? ", ERP document " + other.erp_document
                                                      : std::string(", not yet posted")) +
                              ")";
    if (serialize_deterministic(theirs) == fact)
      return std::optional<std::string>("the same envelope under another id was " +
                                        other.state + where);
    if (different.empty()) different = other.state + where;
  }
  if (!different.empty()) {
    return Error{ErrorKind::kInvalidArgument,
                 "replay of '" + row.event_id + "' refused: sequence " +
                     std::to_string(row.sequence) + " of key '" + row.ordering_key + "' was " +
                     different +
                     " with another envelope; posting this one too would book two facts under "
                     "one number. Discard it, or have the source send it under a new sequence "
                     "number"};
  }
  return std::optional<std::string>();
}

}  // namespace

Status Core::set_master_data(const MasterData& master, const std::string& actor) {
  p_->commits.flush();  // operator actions run their own transaction
  Transaction tx(*p_->db);
  MW_TRY(tx.begin());
  MW_TRY(p_->store.save_master_data(master));
  MW_TRY(p_->store.audit(p_->ctx.now_ns(), "master_data", "", "", actor,
                         std::to_string(master.plants.size()) + " plants, " +
                             std::to_string(master.materials.size()) + " materials, " +
                             std::to_string(master.conversions.size()) + " unit conversions"));
  MW_TRY(tx.commit());
  p_->master = master;
  return Status::ok();
}

Result<std::vector<DeadLetterRow>> Core::dead_letters(bool parked_only) {
  return p_->store.dead_letters(parked_only);
}

Result<std::vector<QuarantineRow>> Core::quarantine(std::int64_t limit) {
  return p_->store.quarantine_list(limit);
}

Result<std::vector<EventState>> Core::event_states() { return p_->store.event_states(); }

Result<std::vector<AuditRow>> Core::audit_log(std::int64_t limit) {
  return p_->store.audit_log(limit);
}

Status Core::replay(const std::string& event_id, const std::string& actor) {
  p_->commits.flush();  // operator actions run their own transaction
  MW_ASSIGN(row, find_parked(p_->store, event_id));
  proto::EventEnvelope env;
  if (!env.ParseFromString(row.envelope))
    return technical("stored envelope of '" + event_id + "' does not parse");
  MW_ASSIGN(dl, p_->store.dead_letter_of(row.id));
  const bool was_barrier = parks_its_key(dl->dead_letter_class);
  // A dead letter may carry a fact posted already: an event posted long ago and sent again
  // after its dedup retention, or sent again under a new id (a regression), or the copy of a
  // parked event replayed before it. Posting it would book the fact twice (and, through new
  // notification ids, apply it twice downstream), so it is finished as a duplicate instead.
  MW_ASSIGN(repeated, repeated_fact(p_->store, row, env));
  if (repeated) return finish_as_already_posted(row, *repeated, *dl, actor);
  // Enrichment decides now whether the replay can succeed; ERP rejections are retried by the
  // Poster and dead-lettered again if the cause is still there.
  auto enriched = enrich(env, p_->master);
  if (auto* f = std::get_if<EnrichFailure>(&enriched)) {
    return Error{ErrorKind::kBusiness, "replay of '" + event_id + "' still fails: " + f->reason};
  }
  Effects fx;
  Transaction tx(*p_->db);
  MW_TRY(tx.begin());
  MW_TRY(p_->store.dead_letter_set_status(row.id, "replayed"));
  MW_TRY(p_->sequencer.release(row, env, fx));
  MW_TRY(p_->store.audit(p_->ctx.now_ns(), "replay", event_id, row.correlation_id, actor,
                         "class " + dl->dead_letter_class + ": " + dl->reason));
  MW_TRY(tx.commit());
  ++p_->metrics.replayed;
  p_->metrics.no_posting += fx.no_posting;
  const proto::ErpCommand* command = nullptr;
  for (const WorkItem& w : fx.work) {
    if (w.event_row == row.id && !w.barrier) command = &w.command;
  }
  if (was_barrier) {
    p_->poster.replace_barrier(row.ordering_key, row.id, command);
  } else if (command != nullptr) {
    p_->poster.add(fx.work.front());
  }
  p_->poster.pump();
  return Status::ok();
}

Status Core::finish_as_already_posted(const EventRow& row, const std::string& what,
                                      const DeadLetterRow& dl, const std::string& actor) {
  Transaction tx(*p_->db);
  MW_TRY(tx.begin());
  MW_TRY(p_->store.event_finish(row.id, kDiscarded, p_->ctx.now_ns(), ""));
  MW_TRY(p_->store.dead_letter_set_status(row.id, "already_posted"));
  MW_TRY(p_->store.audit(p_->ctx.now_ns(), "replay_already_posted", row.event_id,
                         row.correlation_id, actor,
                         "class " + dl.dead_letter_class + ": " + what + "; not posted a second time"));
  MW_TRY(tx.commit());
  ++p_->metrics.discarded;
  p_->runtime.reached(probes::kReplayFoundFactPosted);
  if (parks_its_key(dl.dead_letter_class)) {
    p_->poster.replace_barrier(row.ordering_key, row.id, nullptr);
    p_->poster.pump();
  }
  return Status::ok();
}

Status Core::replay_all(const std::string& actor) {
  MW_ASSIGN(parked, p_->store.dead_letters(/*parked_only=*/true));  // in key, then sequence order
  Status first_failure;
  for (const DeadLetterRow& d : parked) {
    if (d.dead_letter_class == to_string(DeadLetterClass::kSequenceOutOfRange)) continue;
    Status s = replay(d.event_id, actor);
    if (!s.is_ok() && first_failure.is_ok()) first_failure = s;
  }
  return first_failure;
}

Status Core::discard(const std::string& event_id, const std::string& reason,
                     const std::string& actor) {
  p_->commits.flush();  // operator actions run their own transaction
  if (reason.empty()) return Error{ErrorKind::kInvalidArgument, "a discard needs a reason"};
  MW_ASSIGN(row, find_parked(p_->store, event_id));
  Transaction tx(*p_->db);
  MW_TRY(tx.begin());
  MW_TRY(p_->store.event_finish(row.id, kDiscarded, p_->ctx.now_ns(), ""));
  MW_TRY(p_->store.dead_letter_set_status(row.id, "discarded"));
  MW_TRY(p_->store.audit(p_->ctx.now_ns(), "discard", event_id, row.correlation_id, actor, reason));
  MW_TRY(tx.commit());
  ++p_->metrics.discarded;
  p_->poster.replace_barrier(row.ordering_key, row.id, nullptr);
  p_->poster.pump();
  return Status::ok();
}

}  // namespace mw::core
