#include "scenarios/cli/run_progress.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "sim/time.h"

namespace mw::cli {
namespace {

double wall_now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string minutes(sim::Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f min", std::chrono::duration<double>(d).count() / 60);
  return buf;
}

}  // namespace

std::string format_run_progress(const scen::RunProgress& p, double wall_seconds) {
  const std::string phase = p.phase;
  sim::Duration done{}, goal{};
  std::string what;
  if (phase == "production") {
    done = p.now - sim::kTimeZero;
    goal = p.settle - sim::kTimeZero;
    what = "production and faults";
  } else if (phase == "drain") {
    done = p.now - p.settle;
    goal = p.deadline - p.settle;
    what = "draining (at most)";
  } else {
    done = p.now - p.settle;
    goal = done;
    what = "operator phase, simulated since the settle point";
  }
  const double share =
      goal > sim::Duration::zero()
          ? std::min(1.0, std::chrono::duration<double>(done) / std::chrono::duration<double>(goal))
          : 1.0;
  char buf[200];
  std::snprintf(buf, sizeof buf, "%s: %s of %s simulated (%.0f%%), %.1f s wall", what.c_str(),
                minutes(done).c_str(), minutes(goal).c_str(), share * 100, wall_seconds);
  return buf;
}

RunProgressLine::RunProgressLine(bool enabled) : enabled_(enabled), start_s_(wall_now_s()) {}

RunProgressLine::~RunProgressLine() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
}

void RunProgressLine::update(const scen::RunProgress& p) {
  if (!enabled_) return;
  const double now = wall_now_s();
  if (now - start_s_ < kQuietSeconds || now - last_draw_s_ < 0.2) return;
  last_draw_s_ = now;
  drawn_ = true;
  std::fprintf(stderr, "\r\033[K%s", format_run_progress(p, now - start_s_).c_str());
  std::fflush(stderr);
}

}  // namespace mw::cli
