// Lifetimes of a graph's values and its per-tensor buffers in its current order, without any
// aliasing: what the memory passes, the liveness lower bounds and the reports measure.
#pragma once

#include <unordered_map>
#include <vector>

#include "compiler/ir/graph.h"
#include "passes/memory/planner.h"

namespace mote {

struct Lifetime {
  int first = 0;  // step that writes the value: its producer's position from 1, 0 for graph inputs
  int last = 0;   // last step that reads it; one past the last node for graph outputs
};

// The lifetime of every value a node reads or writes, and of every graph input and output.
std::unordered_map<const Value*, Lifetime> value_lifetimes(const Graph& graph);

// One buffer per node output that lives in the arena (not a graph input or output unless
// `with_io`, not a constant) and per kernel scratch buffer; steps are node positions from 1,
// graph inputs are written at step 0 and graph outputs read one past the last node.
std::vector<memory::Buffer> unaliased_buffers(const Graph& graph, int64_t alignment, bool with_io = false);

}  // namespace mote
