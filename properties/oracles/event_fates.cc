#include "properties/oracles/event_fates.h"

#include <algorithm>

#include "middleware/dead_letter.h"

namespace mw::props {
namespace {

Fate fate_of_state(std::string_view state) {
  if (state == "posted") return Fate::kPosted;
  if (state == "no_posting") return Fate::kNoPosting;
  if (state == "dead_lettered") return Fate::kDeadLettered;
  if (state == "discarded") return Fate::kDiscarded;
  if (state == "queued") return Fate::kQueued;
  return Fate::kWaiting;
}

// rank orders fates by how far the event got, so that with repeated rows (dedup disabled) the
// furthest one describes the event.
int rank(Fate f) {
  switch (f) {
    case Fate::kNeverAccepted:
      return 0;
    case Fate::kQuarantined:
      return 1;
    case Fate::kWaiting:
      return 2;
    case Fate::kQueued:
      return 3;
    case Fate::kDeadLettered:
      return 4;
    case Fate::kDiscarded:
      return 5;
    case Fate::kNoPosting:
      return 6;
    case Fate::kPosted:
      return 7;
  }
  return 0;
}

}  // namespace

const char* fate_name(Fate f) {
  switch (f) {
    case Fate::kNeverAccepted:
      return "never accepted";
    case Fate::kWaiting:
      return "waiting";
    case Fate::kQueued:
      return "queued";
    case Fate::kPosted:
      return "posted";
    case Fate::kNoPosting:
      return "no posting";
    case Fate::kDeadLettered:
      return "dead-lettered";
    case Fate::kDiscarded:
      return "discarded";
    case Fate::kQuarantined:
      return "quarantined";
  }
  return "?";
}

EventFates::EventFates(const OracleInput& in) {
  for (const auto& [id, reason] : in.refused)
    fates_[id] = EventFate{Fate::kQuarantined, reason, ""};
  for (const core::QuarantineRow& q : in.quarantine) {
    if (!q.event_id.empty()) fates_[q.event_id] = EventFate{Fate::kQuarantined, q.reason, ""};
  }
  std::map<std::string, std::string> dead_letter_reason;
  for (const core::DeadLetterRow& d : in.dead_letters) {
    dead_letter_reason[d.event_id] = d.dead_letter_class + ": " + d.reason;
    if (d.status == "parked" && core::parks_its_key(d.dead_letter_class)) {
      parked_[d.ordering_key][d.sequence] = d.event_id;
    }
  }
  for (const core::EventState& s : in.core_events) {
    const auto [at, fresh] = received_ns_.try_emplace(s.event_id, s.received_ns);
    if (!fresh) at->second = std::min(at->second, s.received_ns);
    const Fate f = fate_of_state(s.state);
    // A copy reissued under a new id reports its original's fact: the furthest of their rows
    // is where the fact ended up (posted under either id, or still held). A copy's dead letter
    // says nothing of the fact (usually a regression beside an original still queued): only a
    // copy that went on, or got posted, counts.
    const fakes::EmittedEvent* fact = in.sources->fact_of(s.event_id);
    const bool copy = fact != nullptr && fact->event_id != s.event_id;
    if (copy && (f == Fate::kDeadLettered || f == Fate::kDiscarded)) continue;
    EventFate& slot = fates_[fact != nullptr ? std::string_view(fact->event_id) : s.event_id];
    if (rank(f) < rank(slot.fate)) continue;
    slot.fate = f;
    slot.reason.clear();
    if (f == Fate::kDeadLettered || f == Fate::kDiscarded) {
      const auto it = dead_letter_reason.find(s.event_id);
      if (it != dead_letter_reason.end()) slot.reason = it->second;
    }
    slot.behind_dead_letter.clear();
    if (f == Fate::kWaiting || f == Fate::kQueued) {
      slot.behind_dead_letter =
          parked_before(s.ordering_key, static_cast<std::uint64_t>(s.sequence));
    }
  }
}

bool set_aside_as_corrupt(const EventFate& f) {
  if (f.fate == Fate::kQuarantined) return true;
  return (f.fate == Fate::kDeadLettered || f.fate == Fate::kDiscarded) &&
         f.reason.starts_with("sequence_out_of_range");
}

const EventFate& EventFates::of(std::string_view event_id) const {
  static const EventFate kNever{};
  const auto it = fates_.find(event_id);
  return it == fates_.end() ? kNever : it->second;
}

bool EventFates::booked(std::string_view event_id) const {
  const EventFate& e = of(event_id);
  return e.fate != Fate::kDeadLettered && e.fate != Fate::kDiscarded &&
         e.fate != Fate::kQuarantined && e.behind_dead_letter.empty();
}

std::string EventFates::parked_before(const std::string& key, std::uint64_t sequence) const {
  const auto it = parked_.find(key);
  if (it == parked_.end() || it->second.empty()) return "";
  const auto& [first_sequence, id] = *it->second.begin();
  return first_sequence < static_cast<std::int64_t>(sequence) ? id : "";
}

std::optional<std::int64_t> EventFates::first_parked(const std::string& key) const {
  const auto it = parked_.find(key);
  if (it == parked_.end() || it->second.empty()) return std::nullopt;
  return it->second.begin()->first;
}

std::optional<std::int64_t> EventFates::received_ns(std::string_view event_id) const {
  const auto it = received_ns_.find(event_id);
  if (it == received_ns_.end()) return std::nullopt;
  return it->second;
}

bool posts_to_erp(proto::EventType t) {
  switch (t) {
    case proto::MATERIAL_CONSUMED:
    case proto::SCRAP_RECORDED:
    case proto::FINISHED_GOODS_REPORTED:
    case proto::OPERATION_COMPLETED:
    case proto::GOODS_RECEIPT_POSTED:
    case proto::STOCK_TRANSFERRED:
    case proto::STOCK_ADJUSTED:
    case proto::CYCLE_COUNT_VARIANCE:
    case proto::LOT_STATUS_CHANGED:
      return true;
    default:
      return false;
  }
}

std::uint32_t notifications_per_posting(proto::EventType t) {
  if (!posts_to_erp(t)) return 0;
  return t == proto::STOCK_TRANSFERRED ? 2 : 1;
}

}  // namespace mw::props
