// Compiled into every executable of the Release build (the CMake target mwsim_executable, with
// mimalloc), not part of any library.
//
// A simulated world's memory is mostly a few large buffers that keep growing: the simulated
// disks' files (two copies each: durable and visible), SQLite's page caches, the ground-truth
// logs. With 4 KiB pages the four-plant 8-hour shift took 184,000 page faults (1.8 s of system
// time in an 11 s run) and many TLB misses. Asking mimalloc for 2 MiB pages, which Linux grants
// when transparent huge pages are in `madvise` or `always` mode (elsewhere nothing changes),
// took it to about 600 faults and 6 s (bench/README.md). Allocations made during static
// initialisation before this runs keep small pages; they are few.
#include <mimalloc.h>

namespace {

[[maybe_unused]] const bool kLargePagesAsked = [] {
  mi_option_enable(mi_option_large_os_pages);
  return true;
}();

}  // namespace
