// Fuzz target: a scenario file as a user writes it. Loading must report every problem as an
// error (file:line:column) and never abort; a file that loads must build into a world or be
// refused with errors, again without aborting. Nothing is run: a world's run is the
// simulator's job, and a fuzzed world could be hours long.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenarios/scenario/scenario_file.h"
#include "scenarios/scenario/scenario_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const mw::scen::LoadedScenario loaded = mw::scen::parse_scenario_text("fuzz.textproto", text);
  if (!loaded.ok()) {
    if (loaded.errors.empty()) __builtin_trap();  // refused, so it must say why
    return 0;
  }
  const mw::scen::BuiltWorld built = mw::scen::build_world(loaded.file);
  (void)built;
  return 0;
}
