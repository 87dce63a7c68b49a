// Moves an activation (Relu, Clip with constant bounds, LeakyRelu, HardSigmoid, HardSwish,
// Sigmoid, Tanh: ops with OpDef::as_activation) into the store of the float32 op producing its
// input, when that op applies activations (OpTraits::activation_epilogue: Conv, ConvTranspose,
// Gemm) and nothing else reads the pre-activation value. Correct because the producer's kernel
// rounds to the output type and applies the same functor the activation's kernel would.
#include "compiler/ops/op_def.h"
#include "passes/passes.h"
#include "passes/rewrite.h"

namespace mote {

void fuse_activations(Graph& graph, PassContext& context) {
  int fused = 0;
  // Only producers: the pass removes activation nodes, which never apply activations
  // themselves, so none of these pointers dangles.
  std::vector<Node*> producers;
  for (const auto& node : graph.nodes())
    if (node->op->traits.activation_epilogue) producers.push_back(node.get());
  for (Node* producer : producers) {
    if (producer->activation || producer->outputs.size() != 1) continue;
    Value* value = producer->outputs[0];
    if (!value || value->dtype != DType::Float32) continue;
    Node* activation = sole_consumer(graph, value);
    FusedActivation fused_activation;
    if (!activation || !activation->op->as_activation || activation->inputs[0] != value ||
        !activation->op->as_activation(*activation, fused_activation))
      continue;
    producer->activation = fused_activation;
    absorb_consumer(graph, *producer, *activation);
    ++fused;
  }
  context.notes.push_back("fuse_activations: " + std::to_string(fused) + " activations fused into their producers");
}

}  // namespace mote
