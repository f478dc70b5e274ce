// NetworkConfig: every knob of the simulated network, in one place.
//
// The model is datagram-like: a message is a byte string that arrives once, several times, late,
// corrupted or not at all. Ordering is not preserved: each copy draws its own latency, so
// messages overtake each other whenever the jitter exceeds the gap between sends.
// Nodes are named by their node names; Simulation::start reports unknown names.
// Durations are simulated time; probabilities are per message copy, in [0, 1].
#pragma once

#include <string>
#include <vector>

#include "sim/time.h"

namespace mw::sim {

// LatencyModel: one-way delay = base + lognormal(jitter_median, jitter_sigma), at most max.
struct LatencyModel {
  Duration base = microseconds(500);
  Duration jitter_median = microseconds(200);
  double jitter_sigma = 1.0;  // 0 makes the delay constant.
  Duration max = seconds(10);
};

// RandomOutages: a link alternates between up and down; both phases are exponential.
// mean_up of zero disables random outages. No outage starts at or after `until`, so a run can
// end with a fault-free settle phase.
struct RandomOutages {
  Duration mean_up = Duration::zero();
  Duration mean_down = seconds(30);
  Time until = kTimeMax;
};

struct LinkConfig {
  LatencyModel latency;
  double loss_probability = 0;       // the message vanishes.
  double duplicate_probability = 0;  // one extra copy, with its own latency.
  double corrupt_probability = 0;    // 1..corrupt_bytes_max bytes of the copy are flipped.
  std::uint32_t corrupt_bytes_max = 1;
  // frame_check: the receiver checks a CRC-32C over the frame, as a link layer's frame check
  // sequence or a TLS record MAC does, and drops a copy whose bytes changed on the way, so
  // corruption becomes loss (dropped_checksum). Off, corrupted bytes reach the application.
  bool frame_check = false;
  RandomOutages random_outages;      // applies to both directions of a node pair.
};

// LinkOverride replaces the default config for the link from `from` to `to` (and back, when
// both_directions).
struct LinkOverride {
  std::string from;
  std::string to;
  bool both_directions = true;
  LinkConfig config;
};

// ScheduledOutage: the link between two nodes is cut in both directions for `duration`.
// Messages in flight on it when it goes down are lost.
struct ScheduledOutage {
  std::string a;
  std::string b;
  Time start{};
  Duration duration{};
};

// ScheduledPartition: no message crosses from side_a to side_b (and, unless one_way, from side_b
// to side_a) during [start, start + duration). An empty side_b means every other node.
// Messages in flight across it when it starts are lost.
struct ScheduledPartition {
  std::vector<std::string> side_a;
  std::vector<std::string> side_b;
  bool one_way = false;
  Time start{};
  Duration duration{};
};

// RandomPartitions: partitions at exponential intervals, each isolating one random node from
// all others (one way with one_way_probability). mean_interval of zero disables them.
// No partition starts at or after `until`.
struct RandomPartitions {
  Duration mean_interval = Duration::zero();
  Duration mean_duration = seconds(30);
  double one_way_probability = 0;
  Time until = kTimeMax;
};

struct NetworkConfig {
  LinkConfig default_link;
  std::vector<LinkOverride> links;
  std::vector<ScheduledOutage> outages;
  std::vector<ScheduledPartition> partitions;
  RandomPartitions random_partitions;
};

// describe renders the config as "key=value" lines, printed at the start of every run so a
// failure report carries the options its seed ran with.
std::string describe(const NetworkConfig& config);

}  // namespace mw::sim
