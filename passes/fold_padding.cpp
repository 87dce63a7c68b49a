// Folds a constant Pad (OpDef::as_constant_padding) into the op reading it when that op pads
// its input itself (OpDef::absorb_input_padding: Conv with zero padding of spatial axes;
// AveragePool without padding of its own, which then counts the pads) and nothing else reads
// the padded tensor. Correct because Conv treats its pads as zeros around the input, and
// AveragePool with count_include_pad=1 averages them as zeros, exactly what the Pad node wrote;
// the padded tensor is no longer materialised.
#include "compiler/ops/op_def.h"
#include "passes/passes.h"
#include "passes/rewrite.h"

namespace mote {

void fold_padding(Graph& graph, PassContext& context) {
  std::vector<Node*> pads;
  for (const auto& node : graph.nodes())
    if (node->op->as_constant_padding) pads.push_back(node.get());
  int folded = 0;
  for (Node* pad : pads) {
    std::vector<int64_t> amounts;
    double value = 0.0;
    Node* consumer = sole_consumer(graph, pad->outputs[0]);
    if (!consumer || consumer->inputs[0] != pad->outputs[0] || !consumer->op->absorb_input_padding ||
        !pad->op->as_constant_padding(*pad, amounts, value) || !consumer->op->absorb_input_padding(*consumer, amounts, value))
      continue;
    consumer->inputs[0] = pad->inputs[0];
    graph.remove_node(pad);
    ++folded;
  }
  graph.remove_unused_values();
  context.notes.push_back("fold_padding: " + std::to_string(folded) + " Pad nodes folded into their consumers");
}

}  // namespace mote
