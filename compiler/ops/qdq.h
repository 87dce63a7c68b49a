// Building blocks of the ops' quantized_form hooks (fuse_qdq pass): checks on a pattern's
// operands and the constants an integer node needs (zero points, an int32 bias).
#pragma once

#include <optional>

#include "compiler/ops/op_def.h"

namespace mote {

bool is_8bit(DType dtype);

// An 8-bit activation quantized per tensor.
bool per_tensor_8bit(const std::optional<QdqOperand>& operand);

// 8-bit constant weights quantized per tensor or along `axis`.
bool constant_8bit_weights(const std::optional<QdqOperand>& operand, int axis);

// The operand's zero point, or a constant zero shaped like its scale.
Value* zero_point_or_zero(Graph& graph, const QdqOperand& operand);

// The int32 bias an integer kernel adds to x * w accumulators (scale x_scale * w_scale[c]):
// node input `input` as given when it is already that (DequantizeLinear of int32 at exactly
// that scale, zero point 0), else requantized from its constant float value. Null when the
// bias is not constant or not one value per channel.
Value* quantized_bias(Graph& graph, const Node& node, size_t input, const QdqPattern& pattern, const QdqOperand& x,
                      const QdqOperand& w, int64_t channels);

}  // namespace mote
