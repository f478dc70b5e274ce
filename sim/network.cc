#include "sim/network.h"

#include <algorithm>

#include <boost/crc.hpp>

#include "sim/check.h"

namespace mw::sim {
namespace {

// crc32c is CRC-32C (Castagnoli), the polynomial of iSCSI and ext4 checksums.
std::uint32_t crc32c(const std::string& bytes) {
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

}  // namespace

Network::Network(Scheduler& scheduler, Tracer& tracer, const Rng& root, MessageReceiver& receiver)
    : scheduler_(scheduler),
      tracer_(tracer),
      root_(root.fork("net")),
      partition_rng_(root_.fork("partitions")),
      receiver_(receiver) {}

NodeId Network::add_node(std::string name) {
  const NodeId id{static_cast<std::uint32_t>(names_.size())};
  names_.push_back(std::move(name));
  // Grow the link matrix; every new link starts with the default config and its own stream.
  for (std::uint32_t from = 0; from < names_.size(); ++from) {
    if (from == id.value) {
      links_.emplace_back();
      for (std::uint32_t to = 0; to < names_.size(); ++to) {
        links_[from].push_back(Link{LinkConfig{}, root_.fork(names_[from] + "->" + names_[to]), {}, 0, 0});
      }
    } else {
      links_[from].push_back(Link{LinkConfig{}, root_.fork(names_[from] + "->" + names_[id.value]), {}, 0, 0});
    }
  }
  return id;
}

NodeId Network::find(std::string_view name) const {
  for (std::uint32_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return NodeId{i};
  }
  return NodeId{};
}

std::vector<std::string> Network::configure(const NetworkConfig& config) {
  std::vector<std::string> errors;
  auto resolve = [&](const std::string& name, std::string_view where) {
    const NodeId id = find(name);
    if (!id.valid()) errors.push_back(std::string(where) + ": unknown node '" + name + "'");
    return id;
  };
  auto resolve_all = [&](const std::vector<std::string>& names, std::string_view where) {
    std::vector<NodeId> ids;
    for (const auto& n : names) ids.push_back(resolve(n, where));
    return ids;
  };
  for (const auto& o : config.links) {
    resolve(o.from, "network.links.from");
    resolve(o.to, "network.links.to");
  }
  for (const auto& o : config.outages) {
    resolve(o.a, "network.outages.a");
    resolve(o.b, "network.outages.b");
  }
  for (const auto& p : config.partitions) {
    resolve_all(p.side_a, "network.partitions.side_a");
    resolve_all(p.side_b, "network.partitions.side_b");
  }
  if (!errors.empty()) return errors;

  for (auto& row : links_) {
    for (auto& l : row) l.config = config.default_link;
  }
  for (const auto& o : config.links) {
    link(find(o.from), find(o.to)).config = o.config;
    if (o.both_directions) link(find(o.to), find(o.from)).config = o.config;
  }
  for (const auto& o : config.outages) {
    const NodeId a = find(o.a), b = find(o.b);
    const Duration duration = o.duration;
    scheduler_.schedule_at(o.start, [this, a, b, duration] {
      outage_log_.push_back({names_[a.value], names_[b.value], scheduler_.now(), duration, false});
      cut(a, b);
    });
    scheduler_.schedule_at(o.start + o.duration, [this, a, b] { heal(a, b); });
  }
  for (const auto& p : config.partitions) {
    std::vector<NodeId> a = resolve_all(p.side_a, "");
    std::vector<NodeId> b = resolve_all(p.side_b, "");
    if (b.empty()) {
      for (std::uint32_t i = 0; i < names_.size(); ++i) {
        bool in_a = false;
        for (NodeId x : a) in_a = in_a || x.value == i;
        if (!in_a) b.push_back(NodeId{i});
      }
    }
    const bool one_way = p.one_way;
    const bool isolation = a.size() == 1 && p.side_b.empty();
    const Duration duration = p.duration;
    scheduler_.schedule_at(p.start, [this, a, b, one_way, isolation, duration] {
      if (isolation) {
        isolation_log_.push_back({names_[a[0].value], scheduler_.now(), duration, one_way, false});
      }
      apply_partition(a, b, one_way, +1);
    });
    scheduler_.schedule_at(p.start + p.duration,
                           [this, a, b, one_way] { apply_partition(a, b, one_way, -1); });
  }
  // Random outages cut a node pair in both directions. They follow the config of the
  // lower-to-higher link, or of the other direction when only that one sets them, and draw from
  // the pair's own stream "net/outages/<lower>-<higher>".
  for (std::uint32_t i = 0; i < names_.size(); ++i) {
    for (std::uint32_t j = i + 1; j < names_.size(); ++j) {
      Link& forward = links_[i][j];
      const Link& backward = links_[j][i];
      if (forward.config.random_outages.mean_up == Duration::zero() &&
          backward.config.random_outages.mean_up > Duration::zero()) {
        forward.config.random_outages = backward.config.random_outages;
      }
      if (forward.config.random_outages.mean_up > Duration::zero()) {
        outage_rngs_.emplace(std::pair{i, j}, root_.fork("outages/" + names_[i] + "-" + names_[j]));
        schedule_random_outage(NodeId{i}, NodeId{j}, true);
      }
    }
  }
  random_partitions_ = config.random_partitions;
  if (random_partitions_.mean_interval > Duration::zero()) schedule_random_partition();
  return errors;
}

void Network::send(NodeId from, NodeId to, std::string bytes) {
  MW_CHECK(from.value < names_.size() && to.value < names_.size(), "send between unknown nodes");
  Link& l = link(from, to);
  const std::uint64_t id = next_message_id_++;
  l.counters.sent++;
  l.counters.bytes_sent += bytes.size();
  tracer_.record(scheduler_.now(), names_[from.value], "net.send",
                 {{"to", names_[to.value]}, {"msg", id}, {"bytes", bytes.size()}});
  if (l.rng.bernoulli(l.config.duplicate_probability)) {
    l.counters.duplicated++;
    send_copy(from, to, bytes, id);
  }
  send_copy(from, to, std::move(bytes), id);
}

void Network::send_copy(NodeId from, NodeId to, std::string bytes, std::uint64_t message_id) {
  Link& l = link(from, to);
  if (l.cuts > 0) {
    l.counters.dropped_outage++;
    return trace_drop(from, to, message_id, "outage");
  }
  if (l.blocks > 0) {
    l.counters.dropped_partition++;
    return trace_drop(from, to, message_id, "partition");
  }
  if (l.rng.bernoulli(l.config.loss_probability)) {
    l.counters.lost++;
    return trace_drop(from, to, message_id, "loss");
  }
  bool fails_frame_check = false;
  if (!bytes.empty() && l.rng.bernoulli(l.config.corrupt_probability)) {
    l.counters.corrupted++;
    const std::uint32_t crc_sent = l.config.frame_check ? crc32c(bytes) : 0;
    const std::uint64_t most = std::min<std::uint64_t>(std::max<std::uint32_t>(l.config.corrupt_bytes_max, 1), bytes.size());
    const std::uint64_t flips = 1 + l.rng.uniform(most);
    // Distinct positions and non-zero masks, so every flipped byte really changes.
    std::vector<std::uint64_t> flipped;
    while (flipped.size() < flips) {
      const std::uint64_t pos = l.rng.uniform(bytes.size());
      if (std::find(flipped.begin(), flipped.end(), pos) != flipped.end()) continue;
      flipped.push_back(pos);
      bytes[pos] ^= static_cast<char>(1 + l.rng.uniform(255));
    }
    fails_frame_check = l.config.frame_check && crc32c(bytes) != crc_sent;
  }
  const LatencyModel& lat = l.config.latency;
  Duration delay = lat.base;
  if (lat.jitter_median > Duration::zero()) {
    delay += l.rng.lognormal_duration(lat.jitter_median, lat.jitter_sigma, lat.max);
  }
  if (delay > lat.max) delay = lat.max;
  const std::uint64_t disruptions = l.disruptions;
  scheduler_.schedule_after(delay, [this, from, to, message_id, disruptions, fails_frame_check,
                                    bytes = std::move(bytes)] {
    arrive(from, to, bytes, message_id, disruptions, fails_frame_check);
  });
}

void Network::arrive(NodeId from, NodeId to, const std::string& bytes, std::uint64_t message_id,
                     std::uint64_t disruptions_at_send, bool fails_frame_check) {
  Link& l = link(from, to);
  if (l.cuts > 0) {
    l.counters.dropped_outage++;
    return trace_drop(from, to, message_id, "outage");
  }
  if (l.blocks > 0) {
    l.counters.dropped_partition++;
    return trace_drop(from, to, message_id, "partition");
  }
  if (l.disruptions != disruptions_at_send) {
    l.counters.dropped_in_flight++;
    return trace_drop(from, to, message_id, "broken_in_flight");
  }
  if (fails_frame_check) {
    l.counters.dropped_checksum++;
    return trace_drop(from, to, message_id, "checksum");
  }
  tracer_.record(scheduler_.now(), names_[to.value], "net.deliver",
                 {{"from", names_[from.value]}, {"msg", message_id}});
  if (!receiver_.deliver(to, from, bytes)) {
    l.counters.dropped_node_down++;
    return trace_drop(from, to, message_id, "node_down");
  }
  l.counters.delivered++;
}

void Network::trace_drop(NodeId from, NodeId to, std::uint64_t message_id, std::string_view reason) {
  tracer_.record(scheduler_.now(), names_[from.value], "net.drop",
                 {{"to", names_[to.value]}, {"msg", message_id}, {"reason", reason}});
}

void Network::cut(NodeId a, NodeId b) {
  link(a, b).cuts++;
  link(b, a).cuts++;
  link(a, b).disruptions++;
  link(b, a).disruptions++;
  tracer_.record(scheduler_.now(), names_[a.value], "net.cut", {{"peer", names_[b.value]}});
}

void Network::heal(NodeId a, NodeId b) {
  MW_CHECK(link(a, b).cuts > 0 && link(b, a).cuts > 0, "heal of a link that is not cut");
  link(a, b).cuts--;
  link(b, a).cuts--;
  tracer_.record(scheduler_.now(), names_[a.value], "net.heal", {{"peer", names_[b.value]}});
}

void Network::block(NodeId from, NodeId to) {
  link(from, to).blocks++;
  link(from, to).disruptions++;
  tracer_.record(scheduler_.now(), names_[from.value], "net.block", {{"to", names_[to.value]}});
}

void Network::unblock(NodeId from, NodeId to) {
  MW_CHECK(link(from, to).blocks > 0, "unblock of a direction that is not blocked");
  link(from, to).blocks--;
  tracer_.record(scheduler_.now(), names_[from.value], "net.unblock", {{"to", names_[to.value]}});
}

bool Network::usable(NodeId from, NodeId to) const {
  const Link& l = link(from, to);
  return l.cuts == 0 && l.blocks == 0;
}

void Network::apply_partition(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b,
                              bool one_way, int delta) {
  for (NodeId a : side_a) {
    for (NodeId b : side_b) {
      if (a == b) continue;
      if (delta > 0) {
        block(a, b);
        if (!one_way) block(b, a);
      } else {
        unblock(a, b);
        if (!one_way) unblock(b, a);
      }
    }
  }
  tracer_.record(scheduler_.now(), "net", delta > 0 ? "net.partition" : "net.partition_healed",
                 {{"side_a", side_a.size()}, {"side_b", side_b.size()}, {"one_way", one_way ? 1 : 0}});
}

void Network::schedule_random_outage(NodeId a, NodeId b, bool down_next) {
  const RandomOutages& ro = link(a, b).config.random_outages;
  Rng& rng = outage_rngs_.at({a.value, b.value});
  const Duration wait = rng.exponential_duration(down_next ? ro.mean_up : ro.mean_down);
  if (down_next && scheduler_.now() + wait >= ro.until) return;
  // Called right after the cut with down_next false: `wait` is how long this outage lasts.
  if (!down_next) {
    outage_log_.push_back({names_[a.value], names_[b.value], scheduler_.now(), wait, true});
  }
  scheduler_.schedule_after(wait, [this, a, b, down_next] {
    if (down_next) {
      cut(a, b);
    } else {
      heal(a, b);
    }
    schedule_random_outage(a, b, !down_next);
  });
}

void Network::schedule_random_partition() {
  const Duration wait = partition_rng_.exponential_duration(random_partitions_.mean_interval);
  if (scheduler_.now() + wait >= random_partitions_.until) return;
  scheduler_.schedule_after(wait, [this] {
    if (names_.size() < 2) return;
    const NodeId isolated{static_cast<std::uint32_t>(partition_rng_.uniform(names_.size()))};
    std::vector<NodeId> others;
    for (std::uint32_t i = 0; i < names_.size(); ++i) {
      if (i != isolated.value) others.push_back(NodeId{i});
    }
    const bool one_way = partition_rng_.bernoulli(random_partitions_.one_way_probability);
    const Duration length = partition_rng_.exponential_duration(random_partitions_.mean_duration);
    tracer_.record(scheduler_.now(), names_[isolated.value], "net.isolated",
                   {{"one_way", one_way ? 1 : 0}, {"for_ns", length.count()}});
    isolation_log_.push_back({names_[isolated.value], scheduler_.now(), length, one_way, true});
    std::vector<NodeId> side_a{isolated};
    apply_partition(side_a, others, one_way, +1);
    scheduler_.schedule_after(length, [this, side_a, others, one_way] {
      apply_partition(side_a, others, one_way, -1);
    });
    schedule_random_partition();
  });
}

LinkCounters Network::total_counters() const {
  LinkCounters t;
  for (const auto& row : links_) {
    for (const auto& l : row) {
      t.sent += l.counters.sent;
      t.bytes_sent += l.counters.bytes_sent;
      t.delivered += l.counters.delivered;
      t.lost += l.counters.lost;
      t.duplicated += l.counters.duplicated;
      t.corrupted += l.counters.corrupted;
      t.dropped_partition += l.counters.dropped_partition;
      t.dropped_outage += l.counters.dropped_outage;
      t.dropped_node_down += l.counters.dropped_node_down;
      t.dropped_in_flight += l.counters.dropped_in_flight;
      t.dropped_checksum += l.counters.dropped_checksum;
    }
  }
  return t;
}

}  // namespace mw::sim
