#include <algorithm>
#include <map>
#include <numeric>

#include "passes/memory/planner.h"

namespace mote::memory {
namespace {

std::vector<size_t> identity_order(size_t n) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  return order;
}

// Orders the placement found by `order` would use, to restart searches from.
std::vector<size_t> order_by_offset(const Placement& p) {
  std::vector<size_t> order = identity_order(p.offsets.size());
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p.offsets[a] < p.offsets[b]; });
  return order;
}

}  // namespace

Placement place_in_order(const std::vector<Buffer>& buffers, const std::vector<size_t>& order, Fit fit) {
  Placement placement;
  placement.offsets.assign(buffers.size(), 0);
  std::vector<size_t> placed;
  placed.reserve(buffers.size());
  std::vector<std::pair<int64_t, int64_t>> busy;
  for (size_t index : order) {
    const Buffer& buffer = buffers[index];
    busy.clear();
    for (size_t other : placed)
      if (buffers[other].size > 0 && lifetimes_overlap(buffer, buffers[other]))
        busy.emplace_back(placement.offsets[other], placement.offsets[other] + buffers[other].size);
    std::sort(busy.begin(), busy.end());
    int64_t chosen = -1, chosen_gap = 0, cursor = 0;
    for (const auto& [begin, end] : busy) {
      const int64_t start = align_up(cursor, buffer.alignment);
      if (start + buffer.size <= begin) {
        const int64_t gap = begin - start;
        if (chosen < 0 || (fit == Fit::Best && gap < chosen_gap)) {
          chosen = start;
          chosen_gap = gap;
        }
        if (fit == Fit::First) break;
      }
      cursor = std::max(cursor, end);
    }
    if (chosen < 0) chosen = align_up(cursor, buffer.alignment);
    placement.offsets[index] = chosen;
    placement.arena_bytes = std::max(placement.arena_bytes, chosen + buffer.size);
    placed.push_back(index);
  }
  return placement;
}

Placement plan_greedy_by_size(const std::vector<Buffer>& buffers) {
  std::vector<size_t> order = identity_order(buffers.size());
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (buffers[a].size != buffers[b].size) return buffers[a].size > buffers[b].size;
    return buffers[a].first < buffers[b].first;
  });
  Placement p = place_in_order(buffers, order, Fit::Best);
  p.algorithm = "greedy_by_size";
  return p;
}

Placement plan_greedy_by_breadth(const std::vector<Buffer>& buffers) {
  std::map<int, int64_t> breadth;  // step -> live bytes
  for (const Buffer& b : buffers)
    for (int step = b.first; step <= b.last; ++step) breadth[step] += b.size;
  std::vector<std::pair<int, int64_t>> steps(breadth.begin(), breadth.end());
  std::stable_sort(steps.begin(), steps.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<bool> taken(buffers.size(), false);
  std::vector<size_t> order;
  for (const auto& [step, bytes] : steps) {
    std::vector<size_t> here;
    for (size_t i = 0; i < buffers.size(); ++i)
      if (!taken[i] && buffers[i].first <= step && step <= buffers[i].last) here.push_back(i);
    std::stable_sort(here.begin(), here.end(), [&](size_t a, size_t b) { return buffers[a].size > buffers[b].size; });
    for (size_t i : here) {
      taken[i] = true;
      order.push_back(i);
    }
  }
  for (size_t i = 0; i < buffers.size(); ++i)
    if (!taken[i]) order.push_back(i);
  Placement p = place_in_order(buffers, order, Fit::Best);
  p.algorithm = "greedy_by_breadth";
  return p;
}

Placement plan_search(const std::vector<Buffer>& buffers, const Placement& start, int64_t budget) {
  const size_t n = buffers.size();
  Placement best = start;
  if (n <= 8) {
    std::vector<size_t> order = identity_order(n);
    do {
      Placement p = place_in_order(buffers, order, Fit::First);
      if (p.arena_bytes < best.arena_bytes) best = p;
    } while (std::next_permutation(order.begin(), order.end()));
    best.algorithm = best.arena_bytes < start.arena_bytes ? "exhaustive" : start.algorithm;
    return best;
  }
  // Local search: move one buffer to another position of the order, keep the change when the
  // arena does not grow. xorshift keeps it deterministic.
  std::vector<size_t> order = order_by_offset(start);
  int64_t current = place_in_order(buffers, order, Fit::First).arena_bytes;
  uint32_t state = 0x9e3779b9u;
  auto next = [&](size_t bound) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return static_cast<size_t>(state % bound);
  };
  bool improved = false;
  const int64_t bound = liveness_lower_bound(buffers);
  for (int64_t round = 0; round < budget && best.arena_bytes > bound; ++round) {
    std::vector<size_t> candidate = order;
    const size_t from = next(n), to = next(n);
    const size_t moved = candidate[from];
    candidate.erase(candidate.begin() + static_cast<long>(from));
    candidate.insert(candidate.begin() + static_cast<long>(to), moved);
    Placement p = place_in_order(buffers, candidate, round % 2 ? Fit::Best : Fit::First);
    if (p.arena_bytes <= current) {
      current = p.arena_bytes;
      order = std::move(candidate);
      if (p.arena_bytes < best.arena_bytes) {
        best = p;
        improved = true;
      }
    }
  }
  best.algorithm = improved ? "local_search" : start.algorithm;
  return best;
}

Placement plan_best(const std::vector<Buffer>& buffers, int64_t search_budget) {
  Placement best = plan_greedy_by_size(buffers);
  Placement breadth = plan_greedy_by_breadth(buffers);
  if (breadth.arena_bytes < best.arena_bytes) best = breadth;
  if (best.arena_bytes > liveness_lower_bound(buffers)) best = plan_search(buffers, best, search_budget);
  return best;
}

Gap widest_gap(const std::vector<Buffer>& buffers, const Placement& placement, size_t index, int64_t limit) {
  const Buffer& buffer = buffers[index];
  std::vector<std::pair<int64_t, int64_t>> busy;
  for (size_t other = 0; other < buffers.size(); ++other)
    if (other != index && buffers[other].size > 0 && lifetimes_overlap(buffer, buffers[other]))
      busy.emplace_back(placement.offsets[other], placement.offsets[other] + buffers[other].size);
  busy.emplace_back(limit, limit);
  std::sort(busy.begin(), busy.end());
  Gap widest;
  int64_t cursor = 0;
  for (const auto& [begin, end] : busy) {
    const int64_t start = align_up(cursor, buffer.alignment);
    if (begin - start > widest.size) widest = {start, begin - start};
    cursor = std::max(cursor, end);
  }
  return widest;
}

}  // namespace mote::memory
