// IdIndex and IdSet: hash containers keyed by text ids (event, notification, reference ids),
// looked up by std::string_view without building a std::string.
//
// Event ids of one source share a long prefix ("P100-OP-000123"), so an ordered map compares
// most of that prefix at each of its ~17 levels; a simulated shift spent 8 % of its
// instructions in those compares. These containers are for lookups only: their iteration
// order is unspecified, and the determinism rules (ARCHITECTURE.md) forbid letting it reach
// behaviour or output. Anything that is iterated stays an ordered std::map.
//
// They are Abseil's open-addressing tables, not std::unordered_map: the fakes and oracles
// keep one entry per event of a shift (135,000 on four plants), and a node-based table costs
// a cache miss for the bucket, one for the node and an allocation per entry. The four-plant
// shift ran about 10 % faster (bench/README.md). Like any open-addressing table they move
// their entries when they grow: keep no pointer or reference to an entry across an insert.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

namespace mw::sim {

// IdHash hashes std::string, std::string_view and C strings alike (heterogeneous lookup).
struct IdHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <typename Value>
using IdIndex = absl::flat_hash_map<std::string, Value, IdHash, std::equal_to<>>;

using IdSet = absl::flat_hash_set<std::string, IdHash, std::equal_to<>>;

}  // namespace mw::sim
