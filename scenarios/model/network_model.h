// The network's model (network_model.proto) and the simulated network's config
// (sim::NetworkConfig): reading a scenario's knobs over the defaults, and writing back the
// knobs the network runs with. Scheduled outages and partitions are faults, not read here.
#pragma once

#include <functional>
#include <string>

#include "scenarios/model/field_reader.h"
#include "scenarios/model/network_model.pb.h"
#include "sim/network_config.h"

namespace mw::scen {

// NodeCheck tells whether `name` is a node of the world, reporting it at `field` of `r` if not.
using NodeCheck =
    std::function<bool(const FieldReader& r, std::string_view field, const std::string& name)>;

// read_network_model applies the knobs `m` sets over `c`; random outages and partitions stop
// at `until` (the end of production). Link ends are checked with `is_node`.
void read_network_model(const model::Network& m, const FieldReader& r, sim::Time until,
                        const NodeCheck& is_node, sim::NetworkConfig& c);

// effective_network_model returns every knob of `c`, as a scenario would write it.
model::Network effective_network_model(const sim::NetworkConfig& c);

}  // namespace mw::scen
