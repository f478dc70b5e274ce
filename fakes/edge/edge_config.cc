#include "fakes/edge/edge_config.h"

namespace mw::fakes {

std::vector<std::string> validate_edge_config(const EdgeConfig& c) {
  std::vector<std::string> problems;
  if (c.target.empty()) problems.push_back("edge.target must name a node");
  if (c.db_path.empty()) problems.push_back("edge.db_path must name a file");
  if (c.max_batch_events == 0) problems.push_back("edge.max_batch_events must be >= 1");
  if (c.max_batches_in_flight == 0) problems.push_back("edge.max_batches_in_flight must be >= 1");
  if (c.flush_interval <= sim::Duration::zero()) {
    problems.push_back("edge.flush_interval must be positive");
  }
  if (c.resend_after <= sim::Duration::zero()) {
    problems.push_back("edge.resend_after must be positive");
  }
  if (c.reopen_interval <= sim::Duration::zero()) {
    problems.push_back("edge.reopen_interval must be positive");
  }
  if (c.max_backlog_events == 0) problems.push_back("edge.max_backlog_events must be >= 1");
  if (c.dedup_memory < sim::Duration::zero()) problems.push_back("edge.dedup_memory is negative");
  return problems;
}

}  // namespace mw::fakes
