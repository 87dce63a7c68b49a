// The memory planner: hand-computed placements, the no-overlap validator, the lower bound.
#include <catch2/catch.hpp>

#include "passes/memory/planner.h"

using namespace mote::memory;

TEST_CASE("greedy by size: hand-computed offsets") {
  // Lifetimes (steps): A [0,1], B [1,2], C [2,3], D [0,3].
  std::vector<Buffer> buffers = {{100, 1, 0, 1}, {50, 1, 1, 2}, {80, 1, 2, 3}, {30, 1, 0, 3}};
  Placement p = plan_greedy_by_size(buffers);
  // A (largest) at 0; C does not meet A, so 0 too; B meets both: after A at 100; D meets all
  // three: the first gap of 30 bytes is after B, at 150.
  CHECK(p.offsets == std::vector<int64_t>{0, 100, 0, 150});
  CHECK(p.arena_bytes == 180);
  CHECK(liveness_lower_bound(buffers) == 180);  // step 1: A + B + D
  CHECK(validate_placement(buffers, p).empty());
}

TEST_CASE("greedy by size respects alignment") {
  std::vector<Buffer> buffers = {{10, 16, 0, 0}, {10, 16, 0, 0}, {4, 16, 0, 0}};
  Placement p = plan_greedy_by_size(buffers);
  CHECK(p.offsets == std::vector<int64_t>{0, 16, 32});
  CHECK(p.arena_bytes == 36);
  CHECK(validate_placement(buffers, p).empty());
}

TEST_CASE("buffers that never meet share memory") {
  std::vector<Buffer> chain;
  for (int i = 0; i < 10; ++i) chain.push_back({64, 1, i, i + 1});
  Placement p = plan_greedy_by_size(chain);
  CHECK(p.arena_bytes == 128);
  CHECK(liveness_lower_bound(chain) == 128);
  CHECK(validate_placement(chain, p).empty());
}

TEST_CASE("the validator rejects overlapping live buffers and misalignment") {
  std::vector<Buffer> buffers = {{100, 1, 0, 2}, {50, 1, 1, 3}};
  Placement bad{{0, 60}, 110, "hand"};
  CHECK(validate_placement(buffers, bad).find("overlap") != std::string::npos);
  Placement ok{{0, 100}, 150, "hand"};
  CHECK(validate_placement(buffers, ok).empty());
  std::vector<Buffer> aligned = {{8, 16, 0, 0}};
  Placement misaligned{{8}, 16, "hand"};
  CHECK(validate_placement(aligned, misaligned).find("aligned") != std::string::npos);
  Placement outside{{0}, 4, "hand"};
  CHECK(validate_placement(aligned, outside).find("outside") != std::string::npos);
}

TEST_CASE("best fit takes the smallest gap, first fit the lowest") {
  // Placed in order 0..3: 0 at 0, 1 at 100, 2 at 110, 3 at 140. Buffer 4 lives at steps 1-5,
  // where only 1 and 3 are live: the gaps are [0, 100) and [110, 140).
  std::vector<Buffer> buffers = {{100, 1, 0, 0}, {10, 1, 0, 5}, {30, 1, 0, 0}, {40, 1, 0, 5}, {25, 1, 1, 5}};
  const std::vector<size_t> order = {0, 1, 2, 3, 4};
  Placement first = place_in_order(buffers, order, Fit::First);
  Placement best = place_in_order(buffers, order, Fit::Best);
  CHECK(first.offsets == std::vector<int64_t>{0, 100, 110, 140, 0});
  CHECK(best.offsets == std::vector<int64_t>{0, 100, 110, 140, 110});
  CHECK(first.arena_bytes == 180);
  CHECK(best.arena_bytes == 180);
}

TEST_CASE("the search finds the optimum where both greedy algorithms miss it") {
  // A 60 at step 3, B 50 at step 0, C 20 at steps 0-2, D 50 at steps 2-4.
  std::vector<Buffer> buffers = {{60, 1, 3, 3}, {50, 1, 0, 0}, {20, 1, 0, 2}, {50, 1, 2, 4}};
  // By size: A at 0, B at 0 (never meets A), D above A at 60; C meets B [0,50) and D
  // [60,110): the 10-byte gap is too small, so C goes on top at 110.
  Placement by_size = plan_greedy_by_size(buffers);
  CHECK(by_size.offsets == std::vector<int64_t>{0, 0, 110, 60});
  CHECK(by_size.arena_bytes == 130);
  // By breadth: step 3 (A + D = 110) first, then step 0 (B, C): the same placement.
  Placement by_breadth = plan_greedy_by_breadth(buffers);
  CHECK(by_breadth.offsets == std::vector<int64_t>{0, 0, 110, 60});
  // Optimal: C at 0 and B above it at 20, A at 0, D at 60: 110 bytes, the liveness bound at
  // step 3.
  CHECK(liveness_lower_bound(buffers) == 110);
  Placement best = plan_best(buffers, 1000);
  CHECK(best.arena_bytes == 110);
  CHECK(best.algorithm == "exhaustive");
  CHECK(validate_placement(buffers, best).empty());
}

TEST_CASE("every algorithm gives valid placements no smaller than the bound, plan_best keeps the smallest") {
  uint32_t state = 12345;
  auto next = [&](uint32_t bound) {
    state = state * 1664525u + 1013904223u;
    return (state >> 8) % bound;
  };
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<Buffer> buffers;
    const int count = 2 + static_cast<int>(next(20));
    for (int i = 0; i < count; ++i) {
      const int first = static_cast<int>(next(12));
      buffers.push_back({1 + next(500), int64_t{1} << next(5), first, first + static_cast<int>(next(6))});
    }
    const int64_t bound = liveness_lower_bound(buffers);
    Placement by_size = plan_greedy_by_size(buffers), by_breadth = plan_greedy_by_breadth(buffers);
    Placement best = plan_best(buffers, 200);
    for (const Placement* p : {&by_size, &by_breadth, &best}) {
      CHECK(validate_placement(buffers, *p).empty());
      CHECK(p->arena_bytes >= bound);
    }
    CHECK(best.arena_bytes <= std::min(by_size.arena_bytes, by_breadth.arena_bytes));
  }
}

TEST_CASE("widest_gap: hand-computed free ranges at a buffer's steps, aligned, below the limit") {
  // S (the buffer that may grow) lives at step 2 only, at 64. A [0, 2] at 0..40, B [2, 3] at
  // 100..150, C [3, 4] at 40..100 (does not meet S). Free at step 2: [40, 100) and [150, 200).
  std::vector<Buffer> buffers = {{8, 16, 2, 2}, {40, 1, 0, 2}, {50, 1, 2, 3}, {60, 1, 3, 4}};
  Placement p;
  p.offsets = {64, 0, 100, 40};
  p.arena_bytes = 150;
  Gap gap = widest_gap(buffers, p, 0, 200);
  CHECK(gap.offset == 48);  // 40 aligned up to 16: [48, 100)
  CHECK(gap.size == 52);
  gap = widest_gap(buffers, p, 0, 220);  // [160, 220) is wider now
  CHECK(gap.offset == 160);
  CHECK(gap.size == 60);
  buffers[3].first = 2;  // C meets S too: only the top is left
  gap = widest_gap(buffers, p, 0, 200);
  CHECK(gap.offset == 160);
  CHECK(gap.size == 40);
}
