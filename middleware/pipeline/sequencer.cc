#include "middleware/pipeline/sequencer.h"

#include <variant>

#include "middleware/enrich/enrich.h"
#include "middleware/probes.h"

namespace mw::core {

Sequencer::~Sequencer() {
  for (const auto& [key, timer] : gap_timers_) ctx_.runtime.cancel_timer(timer);
}

Status Sequencer::insert(EventRow& row, std::string_view state) {
  row.state = std::string(state);
  MW_ASSIGN(id, ctx_.store.event_insert(row));
  row.id = id;
  return Status::ok();
}

Status Sequencer::accept(EventRow& row, const proto::EventEnvelope& envelope, Effects& fx) {
  MW_ASSIGN(state, ctx_.store.key_get(row.ordering_key));
  if (row.sequence == 256) ctx_.runtime.reached(probes::kKeyPastSequence255);
  if (row.sequence < state.next_sequence) {
    if (ctx_.config.unsafe().dedup_disabled()) return release_new(row, envelope, fx);
    MW_TRY(insert(row, kDeadLettered));
    return record_dead_letter(row, DeadLetterClass::kSequenceRegression,
                              "sequence " + std::to_string(row.sequence) + " of key '" +
                                  row.ordering_key + "' arrived after the key reached " +
                                  std::to_string(state.next_sequence),
                              /*park=*/false, fx);
  }
  // Subtracted, not added: next_sequence + jump could overflow, the difference cannot (both
  // are at least 1).
  if (row.sequence - state.next_sequence >=
      static_cast<std::int64_t>(ctx_.config.sequencer().max_sequence_jump())) {
    MW_TRY(insert(row, kDeadLettered));
    return record_dead_letter(
        row, DeadLetterClass::kSequenceOutOfRange,
        "sequence " + std::to_string(row.sequence) + " of key '" + row.ordering_key + "' is " +
            std::to_string(ctx_.config.sequencer().max_sequence_jump()) +
            " or more ahead of the key's next number " + std::to_string(state.next_sequence) +
            " (sequencer.max_sequence_jump): a corrupt number, not a gap",
        /*park=*/false, fx);
  }
  if (row.sequence > state.next_sequence) {
    ++fx.held;
    fx.mark_waiting(row.ordering_key);
    return insert(row, kWaiting);
  }
  if (holds(row.ordering_key, fx)) {
    MW_TRY(insert(row, kWaiting));
    return release_in_order(row.ordering_key, state, fx);
  }
  // The common case: next in a key that holds nothing. The row just written shows where the
  // key is, so the key's own row can wait for the next counter flush.
  MW_TRY(release_new(row, envelope, fx));
  ++state.next_sequence;
  return ctx_.store.key_put(row.ordering_key, state, Store::CounterWrite::kWithNextFlush);
}

Status Sequencer::release_new(EventRow& row, const proto::EventEnvelope& envelope, Effects& fx) {
  auto enriched = enrich(envelope, ctx_.master);
  if (auto* failure = std::get_if<EnrichFailure>(&enriched)) {
    MW_TRY(insert(row, kDeadLettered));
    return record_dead_letter(row, failure->dead_letter_class, failure->reason, /*park=*/true, fx);
  }
  const auto& command = std::get<Enriched>(enriched).command;
  if (!command) {
    ++fx.no_posting;
    row.finished_ns = ctx_.now_ns();
    return insert(row, kNoPosting);
  }
  row.command = command->SerializeAsString();
  MW_TRY(insert(row, kQueued));
  fx.work.push_back(work_item_for(row, &*command));
  return Status::ok();
}

Status Sequencer::release_in_order(const std::string& key, KeyState& state, Effects& fx) {
  MW_ASSIGN(waiting, ctx_.store.waiting_events(key));
  std::size_t i = 0;
  // Held events with numbers the key has passed (duplicates of a skipped gap) are regressions.
  for (; i < waiting.size(); ++i) {
    const EventRow& row = waiting[i];
    proto::EventEnvelope env;
    if (!env.ParseFromString(row.envelope))
      return technical("stored envelope of row " + std::to_string(row.id) + " does not parse");
    if (row.sequence < state.next_sequence) {
      MW_TRY(dead_letter(
          row, DeadLetterClass::kSequenceRegression,
          "sequence " + std::to_string(row.sequence) + " was passed while it was held", false, fx));
      continue;
    }
    if (row.sequence != state.next_sequence) break;
    MW_TRY(release(row, env, fx));
    ++state.next_sequence;
  }
  MW_TRY(ctx_.store.key_put(key, state, Store::CounterWrite::kNow));
  if (i < waiting.size()) {
    fx.mark_waiting(key);
  } else {
    fx.mark_drained(key);
  }
  return Status::ok();
}

Status Sequencer::release(const EventRow& row, const proto::EventEnvelope& envelope, Effects& fx) {
  auto enriched = enrich(envelope, ctx_.master);
  if (auto* failure = std::get_if<EnrichFailure>(&enriched)) {
    return dead_letter(row, failure->dead_letter_class, failure->reason, /*park=*/true, fx);
  }
  const auto& command = std::get<Enriched>(enriched).command;
  if (!command) {
    ++fx.no_posting;
    return ctx_.store.event_finish(row.id, kNoPosting, ctx_.now_ns(), "");
  }
  MW_TRY(ctx_.store.event_queue(row.id, command->SerializeAsString()));
  fx.work.push_back(work_item_for(row, &*command));
  return Status::ok();
}

Status Sequencer::dead_letter(const EventRow& row, DeadLetterClass cls, const std::string& reason,
                              bool park, Effects& fx) {
  MW_TRY(ctx_.store.event_set_state(row.id, kDeadLettered));
  return record_dead_letter(row, cls, reason, park, fx);
}

Status Sequencer::record_dead_letter(const EventRow& row, DeadLetterClass cls,
                                     const std::string& reason, bool park, Effects& fx) {
  MW_TRY(ctx_.store.dead_letter_put(row.id, to_string(cls), reason, ctx_.now_ns()));
  ++fx.dead_lettered_by_class[std::string(to_string(cls))];
  if (park) {
    fx.work.push_back(work_item_for(row, nullptr));
  }
  return Status::ok();
}

Result<bool> Sequencer::resolve_gap(const std::string& key, Effects& fx) {
  const proto::GapPolicy policy = ctx_.config.sequencer().gap_policy();
  if (policy != proto::SKIP && policy != proto::DEAD_LETTER) {
    fx.mark_waiting(key);  // HOLD: keep waiting, alert again after another timeout
    return false;
  }
  MW_ASSIGN(waiting, ctx_.store.waiting_events(key));
  if (waiting.empty()) {
    fx.mark_drained(key);
    return true;
  }
  MW_ASSIGN(state, ctx_.store.key_get(key));
  const EventRow& first = waiting.front();
  const std::int64_t missing_from = state.next_sequence;
  state.next_sequence = first.sequence;
  if (policy == proto::DEAD_LETTER) {
    MW_TRY(dead_letter(first, DeadLetterClass::kSequenceGap,
                       "sequence numbers " + std::to_string(missing_from) + ".." +
                           std::to_string(first.sequence - 1) + " of key '" + key +
                           "' never arrived",
                       /*park=*/true, fx));
    ++state.next_sequence;
  }
  MW_TRY(release_in_order(key, state, fx));
  return true;
}

void Sequencer::apply(const Effects& fx,
                      const std::function<void(const std::string&)>& on_timeout) {
  for (const std::string& key : fx.keys_drained) {
    keys_waiting_.erase(key);
    auto it = gap_timers_.find(key);
    if (it == gap_timers_.end()) continue;
    ctx_.runtime.cancel_timer(it->second);
    gap_timers_.erase(it);
  }
  const Duration timeout = std::chrono::milliseconds(ctx_.config.sequencer().gap_timeout_ms());
  for (const std::string& key : fx.keys_waiting) {
    keys_waiting_.insert(key);
    if (gap_timers_.count(key) != 0) continue;
    gap_timers_[key] = ctx_.runtime.set_timer(timeout, [this, key, on_timeout] {
      gap_timers_.erase(key);
      on_timeout(key);
    });
  }
}

}  // namespace mw::core
