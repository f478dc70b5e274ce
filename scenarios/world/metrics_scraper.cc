#include "scenarios/world/metrics_scraper.h"

namespace mw::scen {

void add_metrics(core::Metrics& into, const core::Metrics& from) {
  into.batches_received += from.batches_received;
  into.events_received += from.events_received;
  into.events_accepted += from.events_accepted;
  into.duplicates += from.duplicates;
  into.conflicts += from.conflicts;
  into.quarantined += from.quarantined;
  into.frames_malformed += from.frames_malformed;
  into.quarantine_dropped += from.quarantine_dropped;
  into.held_out_of_order += from.held_out_of_order;
  into.gap_alerts += from.gap_alerts;
  into.gaps_skipped += from.gaps_skipped;
  into.posted += from.posted;
  into.no_posting += from.no_posting;
  into.erp_requests += from.erp_requests;
  into.retries += from.retries;
  into.timeouts += from.timeouts;
  into.reconciliations += from.reconciliations;
  into.reconciled_as_posted += from.reconciled_as_posted;
  into.throttled += from.throttled;
  into.transient_failures += from.transient_failures;
  into.breaker_opened += from.breaker_opened;
  into.dead_lettered += from.dead_lettered;
  for (const auto& [cls, n] : from.dead_lettered_by_class) into.dead_lettered_by_class[cls] += n;
  into.replayed += from.replayed;
  into.discarded += from.discarded;
  into.notifications_enqueued += from.notifications_enqueued;
  into.notifications_sent += from.notifications_sent;
  into.notifications_acked += from.notifications_acked;
  into.posting_latency.merge(from.posting_latency);
}

void MetricsScraper::close_lives_before(std::uint64_t life) {
  if (life == current_life_) return;
  add_metrics(ended_, current_);
  current_ = core::Metrics{};
  current_life_ = life;
}

void MetricsScraper::scrape(sim::Time at, std::uint64_t life, const core::MetricsSnapshot* m,
                            const std::map<std::string, std::uint64_t>& at_source) {
  MetricsSample s;
  s.at = at;
  for (const auto& [plant, n] : at_source) s.plants[plant].at_source = n;
  if (m != nullptr) {
    close_lives_before(life);
    current_ = m->counters;
    s.middleware_up = true;
    for (const auto& [plant_domain, n] : m->backlog_by_plant_domain) {
      s.plants[plant_domain.substr(0, plant_domain.find('/'))].in_middleware += n;
    }
    s.parked = m->parked;
  } else if (!samples_.empty()) {
    s.parked = samples_.back().parked;  // unknown while down: carried, not invented
  }
  const core::Metrics total = totals(current_life_, nullptr);
  s.dead_lettered = total.dead_lettered;
  s.retries = total.retries;
  s.quarantined = total.quarantined;
  samples_.push_back(std::move(s));
}

core::Metrics MetricsScraper::totals(std::uint64_t life, const core::MetricsSnapshot* final) const {
  core::Metrics out = ended_;
  if (final != nullptr && life != current_life_) {
    add_metrics(out, current_);  // the life last scraped has ended since
    add_metrics(out, final->counters);
  } else {
    add_metrics(out, final != nullptr ? final->counters : current_);
  }
  return out;
}

}  // namespace mw::scen
