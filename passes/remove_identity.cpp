// Identity and inference-mode Dropout pass their input through: their users read the input
// directly. A Dropout mask that is used becomes a constant all-true tensor.
#include "compiler/ops/op_def.h"
#include "passes/passes.h"

namespace mote {

void remove_identity(Graph& graph, PassContext&) {
  std::vector<Node*> pass_through;
  for (const auto& n : graph.nodes()) {
    const std::string name = n->op->name;
    if (n->op->domain[0] == '\0' && (name == "Identity" || name == "Dropout")) pass_through.push_back(n.get());
  }
  for (Node* node : pass_through) {
    Value* in = node->inputs[0];
    Value* out = node->outputs[0];
    // A graph output that is directly a graph input or constant is legal; codegen copies it.
    if (out) graph.replace_uses(out, in);
    if (node->outputs.size() > 1 && node->outputs[1]) {
      Value* mask = node->outputs[1];
      Tensor ones(DType::Bool, mask->shape);
      for (int64_t i = 0; i < ones.numel(); ++i) ones.data<bool>()[i] = true;
      graph.replace_uses(mask, graph.add_constant(mask->name + "_all_true", std::make_shared<const Tensor>(std::move(ones))));
    }
    graph.remove_node(node);
  }
  graph.remove_unused_values();
}

}  // namespace mote
