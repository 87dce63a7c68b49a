#include "passes/memory_aliasing.h"

#include <algorithm>

#include "compiler/ops/op_def.h"
#include "passes/memory_buffers.h"

namespace mote {

AliasGroups::Location AliasGroups::locate(const Value* v) const {
  auto it = parent_.find(v);
  if (it == parent_.end()) return {v, 0};
  Location up = locate(it->second.root);
  Location result{up.root, up.offset + it->second.offset};
  parent_[v] = result;  // path compression
  return result;
}

bool AliasGroups::same_as(const AliasGroups& other, const Graph& graph) const {
  for (const auto& v : graph.values()) {
    Location a = locate(v.get()), b = other.locate(v.get());
    if (a.root != b.root || a.offset != b.offset) return false;
  }
  return true;
}

void AliasGroups::link(const Value* child, const Value* parent, int64_t offset) {
  Location target = locate(parent);
  parent_[child] = {target.root, target.offset + offset};
}

namespace {

class Analysis {
 public:
  Analysis(const Graph& graph, const AliasOptions& options)
      : graph_(graph), options_(options), lifetimes_(value_lifetimes(graph)) {}

  AliasGroups run() {
    if (options_.views || options_.concat_inputs)
      for (const auto& node : graph_.nodes()) relocate(*node);
    if (options_.in_place)
      for (size_t s = 0; s < graph_.nodes().size(); ++s) overwrite(*graph_.nodes()[s], static_cast<int>(s) + 1);
    return groups_;
  }

 private:
  // Memory the value can live in by itself: produced by a node into the arena.
  bool arena_root(const Value* root) const {
    if (root->is_constant()) return false;
    if (options_.io_in_arena) return root->producer || graph_.is_graph_input(root);
    return root->producer && !graph_.is_graph_output(root) && !graph_.is_graph_input(root);
  }
  // Graph outputs stay their own group's root unless they live in the arena anyway.
  bool movable(const Value* v) const { return options_.io_in_arena || !graph_.is_graph_output(v); }
  bool own_root(const Value* v) const {
    AliasGroups::Location at = groups_.locate(v);
    return at.root == v && at.offset == 0;
  }
  int group_last(const Value* root) const {
    auto it = group_last_.find(root);
    return it == group_last_.end() ? lifetimes_.at(root).last : it->second;
  }
  void merge(const Value* child_root, const Value* parent, int64_t offset) {
    const int last = std::max(group_last(child_root), group_last(groups_.locate(parent).root));
    groups_.link(child_root, parent, offset);
    group_last_[groups_.locate(parent).root] = last;
  }

  // Block copies: a window of an input becomes an output (views, Split, Slice), or a whole
  // input becomes a window of the output (Concat).
  void relocate(const Node& node) {
    // Another kind of kernel in the node (Pad's fill) could write over a relocated input.
    for (const KernelCall& call : node.kernels)
      if (!call.copies_only) return;
    for (const KernelCall& call : node.kernels) {
      if (!call.block_copy) continue;
      const BlockCopy& b = *call.block_copy;
      const Value* in = node.input(static_cast<size_t>(b.input));
      const Value* out = static_cast<size_t>(b.output) < node.outputs.size() ? node.outputs[static_cast<size_t>(b.output)] : nullptr;
      if (!in || !out || in->is_constant() || in->dtype != out->dtype) continue;
      const int64_t element = static_cast<int64_t>(dtype_size(in->dtype));
      const bool whole_output = b.count == out->shape.numel() && b.out_offset == 0;
      const bool whole_input = b.count == in->shape.numel() && b.in_offset == 0;
      if (options_.views && whole_output && own_root(out) && movable(out)) {
        // The output is a window of the input.
        merge(out, in, b.in_offset * element);
      } else if (options_.concat_inputs && whole_input && own_root(in) && arena_root(in) && groups_.locate(out).root != in) {
        // The input is produced straight into its slice of the output (Concat, or a view that
        // is a graph output).
        merge(in, out, b.out_offset * element);
      }
    }
  }

  // In place: output o takes over input i's bytes when nothing reads them afterwards.
  void overwrite(const Node& node, int step) {
    if (node.kernels.size() != 1) return;
    for (const auto& [o, i] : node.kernels.front().in_place) {
      const Value* out = static_cast<size_t>(o) < node.outputs.size() ? node.outputs[static_cast<size_t>(o)] : nullptr;
      const Value* in = node.input(static_cast<size_t>(i));
      if (!out || !in || !own_root(out) || !movable(out)) continue;
      // A group is as large as its largest member for all of its life.
      if (!options_.in_place_resize && out->byte_size() != in->byte_size()) continue;
      AliasGroups::Location at = groups_.locate(in);
      if (!arena_root(at.root) || group_last(at.root) != step) continue;
      // Another input reading the same bytes through a different window would see them change.
      bool conflict = false;
      for (const Value* other : node.inputs)
        if (other && other != in && groups_.locate(other).root == at.root && groups_.locate(other).offset != at.offset) conflict = true;
      if (conflict) continue;
      merge(out, in, 0);
      return;
    }
  }

  const Graph& graph_;
  const AliasOptions& options_;
  AliasGroups groups_;
  std::unordered_map<const Value*, Lifetime> lifetimes_;
  std::unordered_map<const Value*, int> group_last_;  // last step each group is read
};

}  // namespace

AliasGroups find_aliases(const Graph& graph, const AliasOptions& options) { return Analysis(graph, options).run(); }

}  // namespace mote
