// TADORI_CHECK: an assertion on our own invariants that stays on in every build.
// A failed check is a bug in tadori and stops the process; bad input from a client
// or a peer must never reach one (it is returned as a Status instead).
#pragma once

#include <cstdio>
#include <cstdlib>

#define TADORI_CHECK(cond)                                                              \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
