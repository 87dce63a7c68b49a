// Building blocks of the ops' quantized_form hooks (fuse_qdq pass): checks on a pattern's
// operands and the constants an integer node needs (zero points, an int32 bias).
#pragma once

#include <optional>

#include "compiler/ops/op_def.h"

namespace mote {

bool is_8bit(DType dtype);

// An 8-bit activation quantized per tensor.
bool per_tensor_8bit(const std::optional<QdqOperand>& operand);

// An activation an integer kernel takes, quantized per tensor: 8-bit, or int16 with zero point 0
// (--quantize int16x8 makes them symmetric, as TFLite's 16x8 scheme does).
bool per_tensor_activation(const std::optional<QdqOperand>& operand);

// The input, weight and output types of an integer convolution or matrix product: all 8-bit,
// or int16 activations with int8 weights.
bool integer_kernel_types(const QdqOperand& x, const QdqOperand& w, const QdqOperand& y);

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
