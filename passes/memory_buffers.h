// Per-tensor buffers of a graph in its current order, without any aliasing: what the
// liveness lower bounds and the scheduler measure.
#pragma once

#include <vector>

#include "compiler/ir/graph.h"
#include "passes/memory/planner.h"

namespace mote {

// One buffer per node output that lives in the arena (not a graph input or output unless
// `with_io`, not a constant) and per kernel scratch buffer; steps are node positions from 1,
// graph inputs are written at step 0 and graph outputs read one past the last node.
std::vector<memory::Buffer> unaliased_buffers(const Graph& graph, int64_t alignment, bool with_io = false);

}  // namespace mote
