// Static memory planning, apart from the IR: a planner sees only buffers (size, alignment,
// first and last step they are live) and returns an offset for each in one arena. Buffers
// whose lifetimes overlap must not overlap in memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mote::memory {

struct Buffer {
  int64_t size = 0;
  int64_t alignment = 1;
  int first = 0;  // first step (node index) the buffer is live
  int last = 0;   // last step, inclusive
};

struct Placement {
  std::vector<int64_t> offsets;  // per buffer
  int64_t arena_bytes = 0;
  std::string algorithm;
};

// `value` rounded up to a multiple of `alignment`.
inline int64_t align_up(int64_t value, int64_t alignment) {
  return alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;
}

inline bool lifetimes_overlap(const Buffer& a, const Buffer& b) {
  return a.first <= b.last && b.first <= a.last;
}

// How a buffer is put into the gaps left by the buffers placed before it.
enum class Fit {
  First,  // the lowest offset where it fits
  Best,   // the smallest gap it fits in (ties: the lowest), else on top
};

// Places buffers one by one in `order`; every placement algorithm here is an order plus a fit.
Placement place_in_order(const std::vector<Buffer>& buffers, const std::vector<size_t>& order, Fit fit);

// Greedy by size: largest buffer first (TFLite Micro's strategy), with best fit.
Placement plan_greedy_by_size(const std::vector<Buffer>& buffers);

// Greedy by breadth (Pisarchyk & Lee, 2020): steps in decreasing order of live bytes, each
// step's not yet placed buffers largest first, with best fit.
Placement plan_greedy_by_breadth(const std::vector<Buffer>& buffers);

// Improves on `start`: with up to 8 buffers every order is tried with first fit, which is
// exact (any placement is reached by placing in order of its offsets at the lowest fit);
// beyond, a seeded local search over orders spends `budget` placements. Deterministic.
Placement plan_search(const std::vector<Buffer>& buffers, const Placement& start, int64_t budget);

// Runs all of the above and keeps the smallest arena.
Placement plan_best(const std::vector<Buffer>& buffers, int64_t search_budget);

// The widest free range that buffer `index` could move to in `placement` without overlapping a
// buffer live at the same time, within [0, limit): its aligned start and its size (0 when
// there is none). Lets a buffer grow into room the plan left free (kernel scratch).
struct Gap {
  int64_t offset = 0;
  int64_t size = 0;
};
Gap widest_gap(const std::vector<Buffer>& buffers, const Placement& placement, size_t index, int64_t limit);

// Largest total size of buffers live at one step: no placement can use less.
int64_t liveness_lower_bound(const std::vector<Buffer>& buffers);

// Checks alignment, bounds and that no two buffers live at the same time overlap. Returns an
// empty string when the placement is valid, else what is wrong.
std::string validate_placement(const std::vector<Buffer>& buffers, const Placement& placement);

}  // namespace mote::memory
