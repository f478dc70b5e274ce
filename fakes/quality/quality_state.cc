#include "fakes/quality/quality_state.h"

#include "sim/check.h"

namespace mw::fakes {

const char* quality_origin_name(QualityOrigin origin) {
  switch (origin) {
    case QualityOrigin::kSchedule:
      return "schedule";
    case QualityOrigin::kRandomHold:
      return "random_hold";
    case QualityOrigin::kRandomEnd:
      return "random_end";
  }
  return "?";
}

proto::LotStatus QualityState::believed_status(const QualityLot& lot) const {
  const auto it = believed_.find(lot);
  return it == believed_.end() ? proto::LOT_STATUS_RELEASED : it->second;
}

const QualityEmission& QualityState::record_emission(QualityEmission e) {
  MW_CHECK(e.emitted_at >= e.intended_at, "a status change is emitted at or after its time");
  believed_[e.lot] = e.status;
  ++stats_.emitted;
  if (e.emitted_at > e.intended_at) ++stats_.late;
  switch (e.origin) {
    case QualityOrigin::kSchedule:
      ++stats_.scheduled;
      break;
    case QualityOrigin::kRandomHold:
      ++stats_.random_holds;
      break;
    case QualityOrigin::kRandomEnd:
      ++(e.status == proto::LOT_STATUS_BLOCKED ? stats_.random_blocks : stats_.random_releases);
      break;
  }
  return emitted_.emplace_back(std::move(e));
}

std::uint64_t QualityState::next_source_sequence(const std::string& ordering_key) {
  return ++next_source_sequence_[ordering_key];
}

void QualityState::start_random(sim::Rng rng, std::optional<sim::Time> first_hold) {
  MW_CHECK(!random_rng_.has_value(), "the random plan is drawn up once");
  random_rng_.emplace(std::move(rng));
  next_hold_at_ = first_hold;
}

sim::Rng& QualityState::random_rng() {
  MW_CHECK(random_rng_.has_value(), "the random plan was not started");
  return *random_rng_;
}

void QualityState::add_pending_end(sim::Time at, PendingEnd end) {
  pending_lots_.insert(end.lot);
  pending_ends_.emplace(std::pair{at, next_end_order_++}, std::move(end));
}

std::pair<sim::Time, PendingEnd> QualityState::take_first_end() {
  MW_CHECK(!pending_ends_.empty(), "no random hold is waiting for its end");
  auto node = pending_ends_.extract(pending_ends_.begin());
  pending_lots_.erase(pending_lots_.find(node.mapped().lot));
  return {node.key().first, std::move(node.mapped())};
}

}  // namespace mw::fakes
