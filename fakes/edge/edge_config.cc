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

std::string describe_edge_config(const EdgeConfig& c) {
  std::string out;
  auto add = [&out](const char* key, const std::string& value) {
    out += "edge.";
    out += key;
    out += '=';
    out += value;
    out += '\n';
  };
  add("target", c.target);
  add("db_path", c.db_path);
  add("max_batch_events", std::to_string(c.max_batch_events));
  add("max_batches_in_flight", std::to_string(c.max_batches_in_flight));
  add("flush_interval", sim::format_duration(c.flush_interval));
  add("resend_after", sim::format_duration(c.resend_after));
  add("reopen_interval", sim::format_duration(c.reopen_interval));
  add("max_backlog_events", std::to_string(c.max_backlog_events));
  add("dedup_memory", sim::format_duration(c.dedup_memory));
  return out;
}

}  // namespace mw::fakes
