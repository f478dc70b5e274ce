#include "sim/det_math.h"

#include <cmath>

#include "sim/check.h"

namespace mw::sim {
namespace {

// ln(2) split so that k * kLn2Hi is exact for the |k| we use (Cody and Waite).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kLn2 = 0.69314718055994530942;
constexpr double kInvLn2 = 1.44269504088896338700;
constexpr double kSqrtHalf = 0.70710678118654752440;

}  // namespace

double det_log(double x) {
  MW_CHECK(x > 0 && std::isfinite(x), "det_log needs a finite x > 0");
  int e = 0;
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2;
    --e;
  }
  // ln(m) = 2 * atanh(s) with s = (m - 1) / (m + 1), |s| <= 0.1716: the series converges fast.
  const double s = (m - 1) / (m + 1);
  const double s2 = s * s;
  double term = s;
  double sum = 0;
  for (int k = 1; k <= 27; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return e * kLn2 + 2 * sum;
}

double det_exp(double x) {
  if (x > 700) x = 700;
  if (x < -700) x = -700;
  const double k = std::floor(x * kInvLn2 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;  // |r| <= ~0.35
  // Horner form of the Taylor series to degree 16.
  double p = 1;
  for (int n = 16; n >= 1; --n) p = 1 + p * r / n;
  return std::ldexp(p, static_cast<int>(k));
}

}  // namespace mw::sim
