// NodeId: the strong id of a simulated node (a plant MES, the ERP, the middleware, ...).
#pragma once

#include <compare>
#include <cstdint>

namespace mw::sim {

struct NodeId {
  std::uint32_t value = UINT32_MAX;
  bool valid() const { return value != UINT32_MAX; }
  friend auto operator<=>(const NodeId&, const NodeId&) = default;
};

}  // namespace mw::sim
