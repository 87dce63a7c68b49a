// The aliasing half of memory planning: which values can share bytes. Views (Reshape, ...),
// split outputs and slices are windows into their input; concat inputs are produced straight
// into their slice of the output; elementwise ops may write over an input that dies there. The
// result is groups of values, each placed as one buffer.
#pragma once

#include <unordered_map>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote {

struct AliasOptions {
  bool views = true;          // views, split outputs, slices
  bool concat_inputs = true;  // inputs produced straight into their slice of the output
  bool in_place = true;       // ops overwriting an input that dies there
  bool in_place_resize = true;  // ... also when the output is larger or smaller than the input
  bool io_in_arena = false;     // graph inputs and outputs are arena memory like the rest
};

class AliasGroups {
 public:
  // Where `v`'s bytes start within its group's root value.
  struct Location {
    const Value* root;
    int64_t offset;
  };
  Location locate(const Value* v) const;
  // Same roots and offsets for every value of `graph`.
  bool same_as(const AliasGroups& other, const Graph& graph) const;
  // Links the group of root `child` into `parent`'s bytes at `offset` (bytes into parent).
  void link(const Value* child, const Value* parent, int64_t offset);

 private:
  mutable std::unordered_map<const Value*, Location> parent_;
};

// Decides the aliasing of `graph` in its current node order.
AliasGroups find_aliases(const Graph& graph, const AliasOptions& options);

}  // namespace mote
