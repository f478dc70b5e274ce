#include "sim/network_config.h"

#include <cstdio>

namespace mw::sim {
namespace {

std::string ns(Duration d) { return std::to_string(d.count()) + "ns"; }
std::string ns(Time t) { return t == kTimeMax ? std::string("never") : ns(t.time_since_epoch()); }
std::string num(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", p);
  return buf;
}

void describe_link(std::string& out, const std::string& prefix, const LinkConfig& c) {
  out += prefix + ".latency.base=" + ns(c.latency.base) + "\n";
  out += prefix + ".latency.jitter_median=" + ns(c.latency.jitter_median) + "\n";
  out += prefix + ".latency.jitter_sigma=" + num(c.latency.jitter_sigma) + "\n";
  out += prefix + ".latency.max=" + ns(c.latency.max) + "\n";
  out += prefix + ".loss_probability=" + num(c.loss_probability) + "\n";
  out += prefix + ".duplicate_probability=" + num(c.duplicate_probability) + "\n";
  out += prefix + ".corrupt_probability=" + num(c.corrupt_probability) + "\n";
  out += prefix + ".corrupt_bytes_max=" + std::to_string(c.corrupt_bytes_max) + "\n";
  out += prefix + ".frame_check=" + (c.frame_check ? "true" : "false") + "\n";
  out += prefix + ".random_outages.mean_up=" + ns(c.random_outages.mean_up) + "\n";
  out += prefix + ".random_outages.mean_down=" + ns(c.random_outages.mean_down) + "\n";
  out += prefix + ".random_outages.until=" + ns(c.random_outages.until) + "\n";
}

}  // namespace

std::string describe(const NetworkConfig& config) {
  std::string out;
  describe_link(out, "network.default_link", config.default_link);
  for (const auto& o : config.links) {
    describe_link(out, "network.link[" + o.from + (o.both_directions ? "<->" : "->") + o.to + "]",
                  o.config);
  }
  for (const auto& o : config.outages) {
    out += "network.outage[" + o.a + "<->" + o.b + "].start=" + ns(o.start) +
           " duration=" + ns(o.duration) + "\n";
  }
  for (const auto& p : config.partitions) {
    std::string a, b;
    for (const auto& n : p.side_a) a += (a.empty() ? "" : ",") + n;
    for (const auto& n : p.side_b) b += (b.empty() ? "" : ",") + n;
    out += "network.partition[" + a + (p.one_way ? "->" : "<->") + (b.empty() ? "*" : b) +
           "].start=" + ns(p.start) + " duration=" + ns(p.duration) + "\n";
  }
  const RandomPartitions& rp = config.random_partitions;
  out += "network.random_partitions.mean_interval=" + ns(rp.mean_interval) + "\n";
  out += "network.random_partitions.mean_duration=" + ns(rp.mean_duration) + "\n";
  out += "network.random_partitions.one_way_probability=" + num(rp.one_way_probability) + "\n";
  out += "network.random_partitions.until=" + ns(rp.until) + "\n";
  return out;
}

}  // namespace mw::sim
