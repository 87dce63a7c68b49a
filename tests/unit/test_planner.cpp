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
