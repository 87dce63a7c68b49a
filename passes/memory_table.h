// Where the memory planner put each tensor, as rows for reports and budget errors.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote {

struct PlacedTensor {
  const Value* value = nullptr;
  const Node* producer = nullptr;
  int64_t bytes = 0;
  int first = 0;  // step that writes it (node position, from 1)
  int last = 0;   // last step that reads it (one past the last node: a graph output)
};

// Every node output that lives in the arena, largest first (ties: schedule order).
std::vector<PlacedTensor> arena_tensors(const Graph& graph);

// The rows as an aligned text table: tensor, op, bytes, offset, lifetime.
std::string format_tensor_table(const std::vector<PlacedTensor>& rows);

}  // namespace mote
