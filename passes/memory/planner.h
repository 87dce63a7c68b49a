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

inline bool lifetimes_overlap(const Buffer& a, const Buffer& b) {
  return a.first <= b.last && b.first <= a.last;
}

// Greedy by size: largest buffer first, each at the lowest aligned offset that no
// overlapping, already placed buffer occupies (the TFLite Micro strategy).
Placement plan_greedy_by_size(const std::vector<Buffer>& buffers);

// Largest total size of buffers live at one step: no placement can use less.
int64_t liveness_lower_bound(const std::vector<Buffer>& buffers);

// Checks alignment, bounds and that no two buffers live at the same time overlap. Returns an
// empty string when the placement is valid, else what is wrong.
std::string validate_placement(const std::vector<Buffer>& buffers, const Placement& placement);

}  // namespace mote::memory
