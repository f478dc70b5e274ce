#include "fakes/erp/rate_limiter.h"

#include <algorithm>

#include "sim/check.h"

namespace mw::fakes {

RateLimiter::RateLimiter(std::uint32_t rate_per_s, std::uint32_t burst)
    : rate_(rate_per_s), limit_(std::max<std::uint64_t>(burst, 1) * kToken), credit_(limit_) {}

std::optional<sim::Duration> RateLimiter::admit(sim::Time now) {
  if (rate_ == 0) return std::nullopt;
  MW_CHECK(now >= last_, "the rate limiter saw time go back");
  const auto elapsed = static_cast<std::uint64_t>((now - last_).count());
  last_ = now;
  const std::uint64_t missing = limit_ - credit_;
  // rate_ * elapsed cannot overflow below this bound: it stays under missing + rate_.
  credit_ = elapsed >= (missing + rate_ - 1) / rate_ ? limit_ : credit_ + rate_ * elapsed;
  if (credit_ >= kToken) {
    credit_ -= kToken;
    return std::nullopt;
  }
  const std::uint64_t wait_ns = (kToken - credit_ + rate_ - 1) / rate_;
  return sim::Duration(static_cast<std::int64_t>(wait_ns));
}

}  // namespace mw::fakes
