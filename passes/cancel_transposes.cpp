// Removes Transposes that undo each other, and Transposes that keep every axis in place
// (ops with OpDef::as_permutation). Correct because composing the permutations gives the
// identity: the second one's output is the first one's input, element for element. A graph
// output keeps its producer so that its name, and the generated API, do not change.
#include "compiler/ops/op_def.h"
#include "passes/passes.h"
#include "passes/rewrite.h"

namespace mote {
namespace {

bool is_identity(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

}  // namespace

void cancel_transposes(Graph& graph, PassContext& context) {
  int removed = 0;
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& node : graph.nodes()) {
      Node& second = *node;
      std::vector<int64_t> outer;
      if (!second.op->as_permutation || !second.op->as_permutation(second, outer)) continue;
      Value* result = second.outputs[0];
      if (graph.is_graph_output(result)) continue;
      if (is_identity(outer)) {
        graph.replace_uses(result, second.inputs[0]);
        graph.remove_node(&second);
        removed += 1;
        changed = true;
        break;
      }
      Node* first = second.inputs[0]->producer;
      std::vector<int64_t> inner;
      if (!first || !first->op->as_permutation || sole_consumer(graph, second.inputs[0]) != &second ||
          !first->op->as_permutation(*first, inner) || inner.size() != outer.size())
        continue;
      std::vector<int64_t> composed;  // output axis i of the pair is input axis inner[outer[i]]
      for (int64_t axis : outer) composed.push_back(inner[static_cast<size_t>(axis)]);
      if (!is_identity(composed)) continue;
      graph.replace_uses(result, first->inputs[0]);
      graph.remove_node(&second);
      graph.remove_node(first);
      removed += 2;
      changed = true;
      break;
    }
  }
  graph.remove_unused_values();
  context.notes.push_back("cancel_transposes: " + std::to_string(removed) + " Transpose nodes removed");
}

}  // namespace mote
