#include "scenarios/model/network_model.h"

#include "scenarios/scenario/duration_text.h"

namespace mw::scen {
namespace {

sim::LinkConfig read_link(const model::Link& l, const FieldReader& r, sim::Time until) {
  sim::LinkConfig c;
  sim::LatencyModel& latency = c.latency;
  latency.base = r.duration("latency_base", l.latency_base(), latency.base, /*allow_zero=*/true);
  latency.jitter_median =
      r.duration("latency_jitter", l.latency_jitter(), latency.jitter_median, true);
  if (l.has_latency_sigma())
    latency.jitter_sigma = r.at_most("latency_sigma", l.latency_sigma(), 5, latency.jitter_sigma);
  latency.max = r.duration("latency_max", l.latency_max(), latency.max);
  if (latency.max < latency.base) r.error("latency_max", "must not be below latency_base");
  c.loss_probability = r.probability("loss_probability", l.loss_probability(), 0.5);
  c.duplicate_probability = r.probability("duplicate_probability", l.duplicate_probability(), 0.5);
  c.corrupt_probability = r.probability("corrupt_probability", l.corrupt_probability(), 0.5);
  if (!l.outage_mean_up().empty()) {
    c.random_outages.mean_up = r.duration("outage_mean_up", l.outage_mean_up(), sim::hours(1));
    c.random_outages.mean_down =
        r.duration("outage_mean_down", l.outage_mean_down(), c.random_outages.mean_down);
    c.random_outages.until = until;
  }
  return c;
}

model::Link effective_link(const sim::LinkConfig& c) {
  model::Link l;
  l.set_latency_base(format_duration_text(c.latency.base));
  l.set_latency_jitter(format_duration_text(c.latency.jitter_median));
  l.set_latency_sigma(c.latency.jitter_sigma);
  l.set_latency_max(format_duration_text(c.latency.max));
  l.set_loss_probability(c.loss_probability);
  l.set_duplicate_probability(c.duplicate_probability);
  l.set_corrupt_probability(c.corrupt_probability);
  if (c.random_outages.mean_up > sim::Duration::zero()) {
    l.set_outage_mean_up(format_duration_text(c.random_outages.mean_up));
    l.set_outage_mean_down(format_duration_text(c.random_outages.mean_down));
  }
  return l;
}

}  // namespace

void read_network_model(const model::Network& n, const FieldReader& r, sim::Time until,
                        const NodeCheck& is_node, sim::NetworkConfig& c) {
  if (n.has_default_link())
    c.default_link = read_link(n.default_link(), r.nested(n.default_link(), "default_link"), until);
  for (int i = 0; i < n.links_size(); ++i) {
    const model::LinkOverride& l = n.links(i);
    const FieldReader lr = r.nested(l, "links", i);
    is_node(lr, "a", l.a());
    is_node(lr, "b", l.b());
    c.links.push_back({l.a(), l.b(), true, read_link(l.link(), lr.nested(l.link(), "link"), until)});
  }
  if (!n.partition_mean_interval().empty()) {
    sim::RandomPartitions& p = c.random_partitions;
    p.mean_interval =
        r.duration("partition_mean_interval", n.partition_mean_interval(), sim::Duration::zero());
    p.mean_duration =
        r.duration("partition_mean_duration", n.partition_mean_duration(), p.mean_duration);
    p.one_way_probability =
        r.probability("partition_one_way_probability", n.partition_one_way_probability());
    p.until = until;
  } else if (!n.partition_mean_duration().empty() || n.partition_one_way_probability() != 0) {
    r.error("partition_mean_interval", "is missing: the other partition_* fields need it");
  }
}

model::Network effective_network_model(const sim::NetworkConfig& c) {
  model::Network n;
  *n.mutable_default_link() = effective_link(c.default_link);
  for (const sim::LinkOverride& o : c.links) {
    model::LinkOverride* l = n.add_links();
    l->set_a(o.from);
    l->set_b(o.to);
    *l->mutable_link() = effective_link(o.config);
  }
  if (c.random_partitions.mean_interval > sim::Duration::zero()) {
    n.set_partition_mean_interval(format_duration_text(c.random_partitions.mean_interval));
    n.set_partition_mean_duration(format_duration_text(c.random_partitions.mean_duration));
    n.set_partition_one_way_probability(c.random_partitions.one_way_probability);
  }
  return n;
}

}  // namespace mw::scen
