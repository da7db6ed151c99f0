// TADORI_CHECK: an assertion on our own invariants that stays on in every build.
// A failed check is a bug in tadori and stops the process; bad input from a client
// or a peer must never reach one (it is returned as a Status instead).
// It is the project's one assertion macro: `assert` is not used, and a build that defines
// NDEBUG (which would switch off any assert in headers we include) is refused here.
#pragma once

#ifdef NDEBUG
#error "tadori is built without NDEBUG in every build type (see CMakeLists.txt)"
#endif

#include <cstdio>
#include <cstdlib>

#define TADORI_CHECK(cond)                                                              \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
