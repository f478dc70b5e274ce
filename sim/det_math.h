// Deterministic elementary functions.
//
// `std::log` and `std::exp` are not required to be correctly rounded, so their last bit can
// differ between C libraries and versions; a latency drawn with them could differ between two
// machines and make a failing seed irreproducible elsewhere. These versions use only IEEE-754
// operations that are exactly specified (+, -, *, /, sqrt, frexp, ldexp, floor), so they give the
// same bits everywhere. The project is compiled with -ffp-contract=off for the same reason.
// Accuracy is within a few ulp, which is ample for drawing latencies.
#pragma once

namespace mw::sim {

// det_log returns the natural logarithm of `x`; `x` must be finite and > 0.
double det_log(double x);

// det_exp returns e^x; `x` is clamped to [-700, 700].
double det_exp(double x);

}  // namespace mw::sim
