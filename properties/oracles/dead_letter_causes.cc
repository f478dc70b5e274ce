#include "properties/oracles/dead_letter_causes.h"

#include <string_view>

#include "properties/oracles/erp_terms.h"

namespace mw::props {
namespace {

// erp_rejected tells whether the ERP refused a command of `event_id` with `code`.
bool erp_rejected(const OracleInput& in, const std::string& event_id, proto::RejectionCode code) {
  for (const fakes::Rejection& r : in.erp->rejections_of(event_id)) {
    if (r.code == code) return true;
  }
  return false;
}

}  // namespace

const DeadLetterCauses::BySequence& DeadLetterCauses::key_events(const std::string& key) {
  if (!by_key_) {
    by_key_ = std::make_unique<std::map<std::string, BySequence>>();
    for (const fakes::EmittedEvent& e : in_.sources->events()) {
      // A corrupt number is no place in the key: it explains neither a gap nor a regression.
      if (!e.malformed && !e.corrupt_sequence)
        (*by_key_)[e.ordering_key].emplace(e.source_sequence, &e);
    }
  }
  static const BySequence kNone;
  const auto it = by_key_->find(key);
  return it == by_key_->end() ? kNone : it->second;
}

std::string DeadLetterCauses::gap_problem(const fakes::EmittedEvent& e,
                                          const core::DeadLetterRow& dl) {
  for (const auto& [sequence, other] : key_events(e.ordering_key)) {
    if (sequence >= e.source_sequence) break;
    const auto received = fates_.received_ns(other->event_id);
    if (!received || *received > dl.parked_ns) return "";  // a number really was missing
  }
  return "a sequence gap was declared though every earlier sequence number of the key had "
         "reached the middleware";
}

std::string DeadLetterCauses::regression_problem(const fakes::EmittedEvent& e) {
  const auto mine = fates_.received_ns(e.event_id);
  // A copy the source reissued under a new id carries the event's number: the key passed the
  // event if the copy came first (through an edge, a copy can overtake its original).
  if (!copies_) {
    copies_ = std::make_unique<std::multimap<std::string, std::string, std::less<>>>();
    for (const fakes::ReissuedCopy& c : in_.sources->reissued_copies())
      copies_->emplace(c.original_id, c.event_id);
  }
  for (auto [it, end] = copies_->equal_range(e.event_id); it != end; ++it) {
    const auto received = fates_.received_ns(it->second);
    if (received && mine && *received <= *mine) return "";
  }
  for (const auto& [sequence, other] : key_events(e.ordering_key)) {
    if (other == &e || sequence < e.source_sequence) continue;
    const auto received = fates_.received_ns(other->event_id);
    if (received && mine && *received <= *mine) return "";  // the key had really passed it
  }
  return "a sequence regression was declared though no later (or equal) sequence number of "
         "the key had reached the middleware before it";
}

std::string DeadLetterCauses::unexplained(const fakes::EmittedEvent& e,
                                          const core::DeadLetterRow& dl) {
  const std::string_view cls = dl.dead_letter_class;
  const auto by_erp = [&](proto::RejectionCode code) -> std::string {
    if (erp_rejected(in_, e.event_id, code)) return "";
    return "dead-lettered as " + dl.dead_letter_class + " but the ERP never refused it with " +
           proto::RejectionCode_Name(code);
  };
  if (cls == "unknown_material" || cls == "unit_conversion") {
    if (some_quantity_unmappable(*in_.master, e) ||
        (in_.master_at_start != nullptr && dl.parked_ns < in_.master_released_ns &&
         some_quantity_unmappable(*in_.master_at_start, e)) ||
        erp_rejected(in_, e.event_id, proto::UNKNOWN_MATERIAL)) {
      return "";
    }
    return "dead-lettered as " + dl.dead_letter_class +
           " but the master data maps every quantity of the event exactly";
  }
  if (cls == "closed_period") return by_erp(proto::CLOSED_PERIOD);
  if (cls == "blocked_lot") return by_erp(proto::BLOCKED_LOT);
  if (cls == "insufficient_stock") return by_erp(proto::INSUFFICIENT_STOCK);
  if (cls == "unknown_work_order") return by_erp(proto::UNKNOWN_WORK_ORDER);
  if (cls == "invalid_command") {
    if (!in_.master->plants.contains(e.plant)) return "";
    if (erp_rejected(in_, e.event_id, proto::INVALID_COMMAND) ||
        erp_rejected(in_, e.event_id, proto::REJECTION_CODE_UNSPECIFIED)) {
      return "";
    }
    return "dead-lettered as invalid_command but the ERP never refused it and its plant is "
           "mapped";
  }
  if (cls == "sequence_gap") return gap_problem(e, dl);
  if (cls == "sequence_regression") return regression_problem(e);
  if (cls == "sequence_out_of_range") {
    if (e.corrupt_sequence) return "";
    return "dead-lettered as sequence_out_of_range but its source numbered it in order";
  }
  return "dead-lettered with a class the world cannot explain: " + dl.dead_letter_class;
}

}  // namespace mw::props
