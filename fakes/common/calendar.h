// Calendar helpers every source fake shares: the Unix time of simulated time zero, and the UTC
// date an event's posting_date carries.
#pragma once

#include <cstdint>
#include <string>

namespace mw::fakes {

// kDefaultEpochUnixNs is 2026-01-05T00:00:00Z, the Unix time of simulated time zero unless a
// fake's config says otherwise.
inline constexpr std::int64_t kDefaultEpochUnixNs = 1767571200000000000;

// utc_date returns the UTC calendar date "YYYY-MM-DD" of Unix time `unix_ns` (>= 0).
std::string utc_date(std::int64_t unix_ns);

}  // namespace mw::fakes
