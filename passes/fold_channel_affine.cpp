// Folds a per-channel affine op (inference BatchNormalization, Mul or Add by a per-channel
// constant: OpDef::as_channel_affine) into the constant weights and bias of the op producing
// its input (Conv, ConvTranspose, Gemm: OpDef::absorb_channel_affine), when nothing else reads the producer's
// output and the producer applies no activation yet. Correct because those producers are
// linear per output channel: s * (W x + b) + t = (s W) x + (s b + t). The folded constants are
// computed in double and rounded once, so results match to float rounding, not bit for bit.
#include "compiler/ops/op_def.h"
#include "passes/passes.h"
#include "passes/rewrite.h"

namespace mote {

void fold_channel_affine(Graph& graph, PassContext& context) {
  int folded = 0;
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& node : graph.nodes()) {
      Node& affine_node = *node;
      ChannelAffine affine;
      if (!affine_node.op->as_channel_affine || !affine_node.op->as_channel_affine(affine_node, affine)) continue;
      Value* data = affine_node.inputs[affine.data_input];
      Node* producer = data->producer;
      if (!producer || !producer->op->absorb_channel_affine || producer->activation || producer->outputs.size() != 1 ||
          sole_consumer(graph, data) != &affine_node || data->shape.rank() < 2)
        continue;
      const size_t channels = static_cast<size_t>(data->shape[1]);
      if ((affine.scale.size() != 1 && affine.scale.size() != channels) || affine.scale.size() != affine.shift.size()) continue;
      if (!producer->op->absorb_channel_affine(graph, *producer, affine)) continue;
      absorb_consumer(graph, *producer, affine_node);
      ++folded;
      changed = true;
      break;  // the node list changed
    }
  }
  context.notes.push_back("fold_channel_affine: " + std::to_string(folded) + " affine ops folded into weights");
}

}  // namespace mote
