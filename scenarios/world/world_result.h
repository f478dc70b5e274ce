// WorldResult: what a run of a world produced: the oracles' verdicts, the trace digest that
// identifies the run, and the figures a person compares designs by.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fakes/erp/erp_stats.h"
#include "middleware/metrics/metrics.h"
#include "properties/oracles/verdict.h"
#include "scenarios/world/metrics_scraper.h"
#include "sim/simulation.h"
#include "sim/time.h"

namespace mw::scen {

struct WorldResult {
  std::uint64_t digest = 0;
  std::vector<props::Verdict> verdicts;  // the six oracles and the operator phase, in order

  sim::Time ended_at{};  // simulated time when the run stopped
  bool drained = false;
  sim::Time drained_at{};
  sim::Time last_fault_end{};
  std::uint64_t events_created = 0;  // by every source
  std::uint64_t erp_postings = 0;
  std::uint64_t notifications_applied = 0;
  std::uint64_t scheduler_events = 0;  // kernel events executed, for speed figures
  core::MetricsSnapshot middleware;    // at the end of the run (counters: its last life only)
  // The middleware's counters over all its lives, as a monitoring system scraping it every
  // kScrapeInterval saw them, and the samples it took (backlogs per plant over time).
  core::Metrics middleware_totals;
  std::uint64_t middleware_lives = 0;
  std::vector<MetricsSample> samples;
  // End to end, from the plant's event to its (first) ERP posting, for every posted event.
  struct PostingTiming {
    sim::Time created_at{};
    sim::Time posted_at{};
  };
  std::vector<PostingTiming> posting_timings;
  fakes::ErpStats erp;  // what the ERP saw, for the whole run
  // Every node crash that happened, scheduled or random (shrink turns random ones into these).
  std::vector<sim::CrashRecord> crashes;
  // Every link outage and node isolation that happened, scheduled or random (shrink turns the
  // random ones into scheduled link_outage and isolation faults).
  std::vector<sim::OutageRecord> outages;
  std::vector<sim::IsolationRecord> isolations;
  // Situation probes reached over all the middleware's lives, by name (middleware/probes.h);
  // a probe never reached is absent. Crash points that fired, by name.
  std::map<std::string, std::uint64_t> probes;
  std::map<std::string, std::uint64_t> crash_points_fired;

  // held returns whether every oracle held.
  bool held() const;
  // verdict returns the verdict of `oracle` ("no_loss", ...); the oracle must exist.
  const props::Verdict& verdict(const std::string& oracle) const;
  // failed_oracles returns the names of the oracles that did not hold, in order.
  std::vector<std::string> failed_oracles() const;
  // describe renders the verdicts and the main figures, for test failures and reports.
  std::string describe() const;
};

}  // namespace mw::scen
