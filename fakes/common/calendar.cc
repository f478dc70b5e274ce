#include "fakes/common/calendar.h"

#include <cstdio>

#include "sim/check.h"

namespace mw::fakes {

std::string utc_date(std::int64_t unix_ns) {
  MW_CHECK(unix_ns >= 0, "utc_date needs a time after 1970");
  // Howard Hinnant's civil_from_days, for days since 1970-01-01.
  const std::int64_t z = unix_ns / 86400000000000LL + 719468;
  const std::int64_t era = z / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char out[24];
  std::snprintf(out, sizeof out, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d));
  return out;
}

}  // namespace mw::fakes
