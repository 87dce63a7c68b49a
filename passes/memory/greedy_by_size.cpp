#include <algorithm>
#include <numeric>

#include "passes/memory/planner.h"

namespace mote::memory {

namespace {
int64_t align_up(int64_t value, int64_t alignment) {
  return alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;
}
}  // namespace

Placement plan_greedy_by_size(const std::vector<Buffer>& buffers) {
  Placement placement;
  placement.algorithm = "greedy_by_size";
  placement.offsets.assign(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (buffers[a].size != buffers[b].size) return buffers[a].size > buffers[b].size;
    return buffers[a].first < buffers[b].first;
  });
  std::vector<size_t> placed;
  for (size_t index : order) {
    const Buffer& buffer = buffers[index];
    // Occupied ranges of placed buffers alive at the same time, by offset.
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (size_t other : placed)
      if (lifetimes_overlap(buffer, buffers[other]) && buffers[other].size > 0)
        busy.emplace_back(placement.offsets[other], placement.offsets[other] + buffers[other].size);
    std::sort(busy.begin(), busy.end());
    int64_t offset = 0;
    for (const auto& [begin, end] : busy) {
      offset = align_up(offset, buffer.alignment);
      if (offset + buffer.size <= begin) break;
      offset = std::max(offset, end);
    }
    offset = align_up(offset, buffer.alignment);
    placement.offsets[index] = offset;
    placement.arena_bytes = std::max(placement.arena_bytes, offset + buffer.size);
    placed.push_back(index);
  }
  return placement;
}

}  // namespace mote::memory
