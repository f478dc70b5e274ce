// MetricsScraper: what a monitoring system would have seen of the middleware during a run.
//
// The world scrapes the running core every `kScrapeInterval` of simulated time, as Prometheus
// scrapes an exporter: the core's counters restart from zero with each process life, so the
// scraper keeps the last scrape of every ended life and adds it to the current one (what was
// counted after a life's last scrape is lost with it, as in production). Each scrape is also
// a sample of the backlogs over time, per plant, for summaries and charts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "middleware/metrics/metrics.h"
#include "sim/time.h"

namespace mw::scen {

inline constexpr sim::Duration kScrapeInterval = sim::seconds(10);

// PlantBacklog: at one sample, what of a plant's events is still on its way.
struct PlantBacklog {
  std::uint64_t at_source = 0;      // in the MES outbox and the edge's store
  std::uint64_t in_middleware = 0;  // accepted and unfinished (waiting or queued)
};

struct MetricsSample {
  sim::Time at{};
  bool middleware_up = false;                  // false: the middleware figures are not known
  std::map<std::string, PlantBacklog> plants;  // by plant code
  std::uint64_t parked = 0;                    // dead letters waiting for an operator
  std::uint64_t dead_lettered = 0;             // totals across lives so far
  std::uint64_t retries = 0;
  std::uint64_t quarantined = 0;
};

class MetricsScraper {
 public:
  // scrape records one sample. `m` is null while the middleware is down; `life` is its
  // incarnation (1, 2, ...). `at_source` is each plant's backlog at the source side.
  void scrape(sim::Time at, std::uint64_t life, const core::MetricsSnapshot* m,
              const std::map<std::string, std::uint64_t>& at_source);

  // totals returns the counters over every life: the ended lives as last scraped, plus
  // `final` (the current life's counters at the end), if the middleware is up.
  core::Metrics totals(std::uint64_t life, const core::MetricsSnapshot* final) const;

  const std::vector<MetricsSample>& samples() const { return samples_; }

 private:
  void close_lives_before(std::uint64_t life);

  std::vector<MetricsSample> samples_;
  core::Metrics ended_;  // sum over the lives that ended, each as last scraped
  core::Metrics current_;
  std::uint64_t current_life_ = 0;
};

// add_metrics adds every counter of `from` to `into`, and merges the latency histograms.
void add_metrics(core::Metrics& into, const core::Metrics& from);

}  // namespace mw::scen
