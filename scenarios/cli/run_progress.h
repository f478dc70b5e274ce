// RunProgressLine: `mwsim run` on a terminal shows how far a long run is: one line on stderr,
// redrawn at most a few times a second, once the run has taken more than kQuietSeconds of
// wall time (short runs stay quiet), and wiped when the run ends. It reads wall time, never
// the world: the run is the same with or without it.
#pragma once

#include <string>

#include "scenarios/world/world.h"

namespace mw::cli {

// format_run_progress renders one progress line: the phase, simulated time against its goal
// and the share done, and the wall time so far.
std::string format_run_progress(const scen::RunProgress& p, double wall_seconds);

class RunProgressLine {
 public:
  static constexpr double kQuietSeconds = 2.0;
  // A line that draws only when `enabled` (stderr is a terminal).
  explicit RunProgressLine(bool enabled);
  ~RunProgressLine();  // wipes the line if one was drawn
  RunProgressLine(const RunProgressLine&) = delete;
  RunProgressLine& operator=(const RunProgressLine&) = delete;

  void update(const scen::RunProgress& p);

 private:
  bool enabled_;
  double start_s_;
  double last_draw_s_ = -1;
  bool drawn_ = false;
};

}  // namespace mw::cli
