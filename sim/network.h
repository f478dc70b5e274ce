// Network: the simulated network between nodes.
//
// Messages are byte strings, so the real wire format travels. Each directed link (from, to) has
// its config (NetworkConfig), its own random stream ("net/<from>-><to>") and its counters. A
// message is checked twice: when sent (is the link cut or partitioned?) and when it arrives (is
// it broken while the message travelled? is the receiver up?). A cut or partition that starts
// while a message is in flight loses it, even if it has ended by the time the message would
// arrive. Every send, delivery, drop, cut and partition is traced.
//
// The network also keeps a log of the outages and isolations it caused (scheduled or drawn by
// its random processes), so a failing run's random faults can be replayed as scheduled ones.
// Keeping the log draws no random numbers and schedules nothing.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/network_config.h"
#include "sim/node_id.h"
#include "sim/rng.h"
#include "sim/scheduler.h"
#include "sim/trace.h"

namespace mw::sim {

// MessageReceiver is where the network hands messages that arrive; Simulation implements it.
class MessageReceiver {
 public:
  virtual ~MessageReceiver() = default;
  // deliver passes `bytes` to node `to`; returns false if the node is down (message dropped).
  virtual bool deliver(NodeId to, NodeId from, std::string_view bytes) = 0;
};

struct LinkCounters {
  std::uint64_t sent = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t dropped_partition = 0;
  std::uint64_t dropped_outage = 0;
  std::uint64_t dropped_node_down = 0;
  std::uint64_t dropped_in_flight = 0;  // the path broke (cut or partition) while it travelled
  std::uint64_t dropped_checksum = 0;   // corrupted, and the link's frame check saw it
};

// OutageRecord: one outage of the link between `a` and `b` (both directions) as it happened:
// it started at `start` and lasted `duration`. An outage still down when the run stops lasts
// until its heal event would have fired. `random` tells a pair's random up/down process from a
// scheduled outage.
struct OutageRecord {
  std::string a;
  std::string b;
  Time start{};
  Duration duration{};
  bool random = false;
};

// IsolationRecord: one node cut off from every other node, from `start` for `duration`; when
// one_way, only what the node sends is blocked. `random` tells a random partition from a
// scheduled partition of one node against all others.
struct IsolationRecord {
  std::string node;
  Time start{};
  Duration duration{};
  bool one_way = false;
  bool random = false;
};

class Network {
 public:
  Network(Scheduler& scheduler, Tracer& tracer, const Rng& root, MessageReceiver& receiver);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // add_node registers a node; ids are dense, in order of addition.
  NodeId add_node(std::string name);
  std::size_t node_count() const { return names_.size(); }
  const std::string& name(NodeId id) const { return names_[id.value]; }
  // find returns the id of the node called `name`, or an invalid id.
  NodeId find(std::string_view name) const;

  // configure applies `config` and schedules its outages and partitions. Call it once, after
  // every node is added. Returns one message per problem (unknown node names); on problems
  // nothing is applied.
  std::vector<std::string> configure(const NetworkConfig& config);

  // send puts a message on the link from `from` to `to`.
  void send(NodeId from, NodeId to, std::string bytes);

  // Manual faults, for tests and scenario steps. Cuts and partitions nest: a link is usable
  // when no cut and no partition covers it.
  void cut(NodeId a, NodeId b);
  void heal(NodeId a, NodeId b);
  void block(NodeId from, NodeId to);
  void unblock(NodeId from, NodeId to);
  bool usable(NodeId from, NodeId to) const;

  const LinkCounters& counters(NodeId from, NodeId to) const { return link(from, to).counters; }
  LinkCounters total_counters() const;

  // outages_that_happened lists every outage of the config (scheduled or random) that started,
  // in the order they started; manual cut() calls are not in it.
  const std::vector<OutageRecord>& outages_that_happened() const { return outage_log_; }
  // isolations_that_happened lists every random partition, and every scheduled partition of
  // one node against all others, that started, in the order they started.
  const std::vector<IsolationRecord>& isolations_that_happened() const { return isolation_log_; }

 private:
  struct Link {
    LinkConfig config;
    Rng rng;
    LinkCounters counters;
    std::uint32_t cuts = 0;    // outages covering this link
    std::uint32_t blocks = 0;  // partitions covering this direction
    // disruptions counts every cut and partition that ever started on this direction; a message
    // whose path was broken while it travelled (the count moved) is lost.
    std::uint64_t disruptions = 0;
  };

  Link& link(NodeId from, NodeId to) { return links_[from.value][to.value]; }
  const Link& link(NodeId from, NodeId to) const { return links_[from.value][to.value]; }
  void send_copy(NodeId from, NodeId to, std::string bytes, std::uint64_t message_id);
  void arrive(NodeId from, NodeId to, const std::string& bytes, std::uint64_t message_id,
              std::uint64_t disruptions_at_send, bool fails_frame_check);
  void trace_drop(NodeId from, NodeId to, std::uint64_t message_id, std::string_view reason);
  void schedule_random_outage(NodeId a, NodeId b, bool down_next);
  void schedule_random_partition();
  void apply_partition(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b,
                       bool one_way, int delta);

  Scheduler& scheduler_;
  Tracer& tracer_;
  Rng root_;
  Rng partition_rng_;
  MessageReceiver& receiver_;
  std::vector<std::string> names_;
  std::vector<std::vector<Link>> links_;  // [from][to]
  RandomPartitions random_partitions_;
  // The random up/down process of each node pair (lower id first) with random outages draws
  // from its own stream "net/outages/<a>-<b>", so it takes nothing from the link's message
  // stream: replacing it with the outages it caused leaves every message's draws as they were.
  std::map<std::pair<std::uint32_t, std::uint32_t>, Rng> outage_rngs_;
  std::vector<OutageRecord> outage_log_;
  std::vector<IsolationRecord> isolation_log_;
  std::uint64_t next_message_id_ = 1;
};

}  // namespace mw::sim
