// The version of this mwsim: the project version and the commit it was built from ("0.4.0
// 9042d96", "-dirty" when the tree had changes, "unknown" outside a git checkout). Shard
// reports carry it, so that merge refuses shards of different builds. Generated at every
// build by cmake/stamp_version.cmake.
#pragma once

namespace mw::scen {

const char* mwsim_version();

}  // namespace mw::scen
