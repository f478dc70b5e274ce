// What every fake's make_<system>() does: stop the run if its config is invalid, then return
// the factory that builds a process on each start of its node, sharing one immutable config and
// the system's database object (which must outlive the Simulation).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/node.h"

namespace mw::fakes {

// require_valid stops the run (MW_CHECK) with every problem in `problems`; it returns when
// there is none.
void require_valid(const std::vector<std::string>& problems);

// process_factory returns a factory of `P(node, database, config)` processes.
template <class P, class Database, class Config>
sim::ProcessFactory process_factory(Database& database, std::shared_ptr<const Config> config) {
  return [&database, config = std::move(config)](sim::Node& node) -> std::unique_ptr<sim::Process> {
    return std::make_unique<P>(node, database, config);
  };
}

}  // namespace mw::fakes
