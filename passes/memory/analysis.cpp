#include <algorithm>
#include <map>

#include "passes/memory/planner.h"

namespace mote::memory {

int64_t liveness_lower_bound(const std::vector<Buffer>& buffers) {
  std::map<int, int64_t> delta;  // step -> change of live bytes
  for (const Buffer& b : buffers) {
    delta[b.first] += b.size;
    delta[b.last + 1] -= b.size;
  }
  int64_t live = 0, peak = 0;
  for (const auto& [step, change] : delta) {
    live += change;
    peak = std::max(peak, live);
  }
  return peak;
}

std::string validate_placement(const std::vector<Buffer>& buffers, const Placement& placement) {
  if (placement.offsets.size() != buffers.size()) return "one offset per buffer expected";
  for (size_t i = 0; i < buffers.size(); ++i) {
    const Buffer& a = buffers[i];
    int64_t offset = placement.offsets[i];
    if (offset < 0 || offset + a.size > placement.arena_bytes)
      return "buffer " + std::to_string(i) + " lies outside the arena";
    if (a.alignment > 1 && offset % a.alignment != 0)
      return "buffer " + std::to_string(i) + " at offset " + std::to_string(offset) + " is not aligned to " +
             std::to_string(a.alignment);
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      const Buffer& b = buffers[j];
      if (!lifetimes_overlap(a, b) || a.size == 0 || b.size == 0) continue;
      int64_t other = placement.offsets[j];
      if (offset < other + b.size && other < offset + a.size)
        return "buffers " + std::to_string(i) + " [" + std::to_string(offset) + ", " + std::to_string(offset + a.size) +
               ") and " + std::to_string(j) + " [" + std::to_string(other) + ", " + std::to_string(other + b.size) +
               ") overlap while both are live";
    }
  }
  return {};
}

}  // namespace mote::memory
