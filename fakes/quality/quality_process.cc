#include "fakes/quality/quality_process.h"

#include <cstdio>
#include <utility>
#include <vector>

#include "fakes/common/canonical_event.h"
#include "fakes/common/process_factory.h"
#include "middleware/proto/events.pb.h"
#include "middleware/proto/wire.pb.h"
#include "sim/check.h"

namespace mw::fakes {
namespace {

constexpr const char* kHoldReason = "random inspection";
constexpr const char* kPassReason = "inspection passed";
constexpr const char* kFailReason = "inspection failed";

const char* status_name(proto::LotStatus s) {
  switch (s) {
    case proto::LOT_STATUS_RELEASED:
      return "RELEASED";
    case proto::LOT_STATUS_QUALITY_HOLD:
      return "QUALITY_HOLD";
    case proto::LOT_STATUS_BLOCKED:
      return "BLOCKED";
    default:
      break;
  }
  return "UNSPECIFIED";
}

}  // namespace

QualityProcess::QualityProcess(sim::Node& node, QualityState& state,
                               std::shared_ptr<const QualityConfig> config)
    : node_(node),
      state_(state),
      config_(std::move(config)),
      sender_(node, state.outbox(), config_->sender, node.rng().fork("quality/sender")) {
  if (!state_.random_started() && config_->random.mean_time_between_holds > sim::Duration::zero()) {
    state_.start_random(node.rng().fork("quality/random"), std::nullopt);
    state_.set_next_hold_at(next_hold_after(config_->random.start));
  }
  catch_up();
}

void QualityProcess::on_message(sim::NodeId from, std::string_view bytes) {
  proto::Frame frame;
  if (frame.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) &&
      sender_.on_frame(frame)) {
    return;
  }
  ++state_.stats().garbage;
  node_.trace("quality.garbage", {{"from", node_.peer_name(from)}, {"bytes", bytes.size()}});
}

void QualityProcess::catch_up() {
  const std::vector<QualityAction>& schedule = config_->schedule;
  for (;;) {
    // The earliest decision; on a tie the first candidate in this order wins.
    enum class Next { kNone, kSchedule, kEnd, kHold } next = Next::kNone;
    sim::Time when = sim::kTimeMax;
    if (state_.schedule_done() < schedule.size()) {
      when = schedule[state_.schedule_done()].at;
      next = Next::kSchedule;
    }
    if (!state_.pending_ends().empty() && state_.pending_ends().begin()->first.first < when) {
      when = state_.pending_ends().begin()->first.first;
      next = Next::kEnd;
    }
    if (state_.next_hold_at() && *state_.next_hold_at() < when) {
      when = *state_.next_hold_at();
      next = Next::kHold;
    }
    if (next == Next::kNone) return;
    if (when > node_.now()) {
      node_.at(when, [this] { catch_up(); });
      return;
    }
    switch (next) {
      case Next::kSchedule: {
        const QualityAction& a = schedule[state_.schedule_done()];
        state_.mark_scheduled_done();
        emit(a.lot, a.status, a.reason, QualityOrigin::kSchedule, a.at, "");
        break;
      }
      case Next::kEnd: {
        auto [at, end] = state_.take_first_end();
        const bool blocked = end.status == proto::LOT_STATUS_BLOCKED;
        emit(end.lot, end.status, blocked ? kFailReason : kPassReason, QualityOrigin::kRandomEnd,
             at, end.hold_event_id);
        break;
      }
      case Next::kHold:
        random_hold(when);
        break;
      case Next::kNone:
        break;
    }
  }
}

void QualityProcess::random_hold(sim::Time intended) {
  const RandomHolds& r = config_->random;
  std::vector<const QualityLot*> free;
  for (const QualityLot& lot : r.lots) {
    if (state_.believed_status(lot) == proto::LOT_STATUS_RELEASED && !state_.has_pending_end(lot)) {
      free.push_back(&lot);
    }
  }
  sim::Rng& rng = state_.random_rng();
  if (free.empty()) {
    ++state_.stats().holds_skipped;
    node_.trace("quality.hold_skipped", {{"intended", sim::format_time(intended)}});
  } else {
    const QualityLot& lot = *free[rng.uniform(free.size())];
    emit(lot, proto::LOT_STATUS_QUALITY_HOLD, kHoldReason, QualityOrigin::kRandomHold, intended,
         "");
    const sim::Duration hold = rng.lognormal_duration(r.hold_median, r.hold_sigma, r.hold_max);
    const bool blocked = rng.bernoulli(r.block_probability);
    state_.add_pending_end(
        intended + hold,
        PendingEnd{lot, blocked ? proto::LOT_STATUS_BLOCKED : proto::LOT_STATUS_RELEASED,
                   state_.emitted().back().event_id});
  }
  state_.set_next_hold_at(next_hold_after(intended));
}

std::optional<sim::Time> QualityProcess::next_hold_after(sim::Time t) {
  const RandomHolds& r = config_->random;
  if (r.mean_time_between_holds <= sim::Duration::zero()) return std::nullopt;
  const sim::Duration gap = state_.random_rng().exponential_duration(r.mean_time_between_holds);
  if (gap >= r.until - t) return std::nullopt;  // also keeps t + gap from overflowing
  return t + gap;
}

void QualityProcess::emit(const QualityLot& lot, proto::LotStatus status, const std::string& reason,
                          QualityOrigin origin, sim::Time intended,
                          const std::string& correlation) {
  const std::string key = "lot:" + lot.plant + "/" + lot.material + "/" + lot.lot;
  const std::uint64_t seq = state_.next_source_sequence(key);
  const sim::Time now = node_.now();
  proto::EventEnvelope e =
      canonical_event(node_, config_->epoch_unix_ns, lot.plant, proto::LOT_STATUS_CHANGED, key, seq,
                      correlation, correlation);
  const std::string& event_id = e.event_id();
  proto::LotStatusChanged& body = *e.mutable_lot_status_changed();
  body.set_material(lot.material);
  body.set_lot(lot.lot);
  body.set_status(status);
  body.set_reason(reason);

  log_created(state_.source_log(), e, now);

  QualityEmission q;
  q.event_id = event_id;
  q.ordering_key = key;
  q.source_sequence = seq;
  q.lot = lot;
  q.status = status;
  q.reason = reason;
  q.origin = origin;
  q.intended_at = intended;
  q.emitted_at = now;
  state_.record_emission(std::move(q));
  node_.trace("quality.status", {{"event", event_id},
                                 {"key", key},
                                 {"seq", seq},
                                 {"status", status_name(status)},
                                 {"origin", quality_origin_name(origin)},
                                 {"intended", sim::format_time(intended)},
                                 {"late", intended < now ? 1 : 0}});

  sender_.enqueue(event_id, canonical_bytes(e));
}

sim::ProcessFactory make_quality(QualityState& state, QualityConfig config) {
  require_valid(validate_quality_config(config));
  return process_factory<QualityProcess>(state,
                                         std::make_shared<const QualityConfig>(std::move(config)));
}

}  // namespace mw::fakes
