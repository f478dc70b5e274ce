// MW_CHECK: an invariant that must hold in every build, Release included. A broken invariant in
// a simulation means every result after it is meaningless, so it stops the process with the
// condition, the place and a message rather than carrying on.
#pragma once

#include <cstdio>
#include <cstdlib>

#define MW_CHECK(cond, msg)                                                          \
  do {                                                                               \
    if (!(cond)) [[unlikely]] {                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s: %s\n", __FILE__, __LINE__, \
                   #cond, msg);                                                      \
      std::abort();                                                                  \
    }                                                                                \
  } while (false)
