#include "compiler/ops/qdq.h"

#include <cmath>
#include <limits>

#include "compiler/ops/quant_math.h"

namespace mote {

bool is_8bit(DType dtype) { return dtype == DType::Int8 || dtype == DType::UInt8; }

bool per_tensor_8bit(const std::optional<QdqOperand>& operand) {
  return operand && operand->axis < 0 && is_8bit(operand->integer->dtype);
}

bool per_tensor_activation(const std::optional<QdqOperand>& operand) {
  if (per_tensor_8bit(operand)) return true;
  if (!operand || operand->axis >= 0 || operand->integer->dtype != DType::Int16) return false;
  return !operand->zero_point || (operand->zero_point->is_constant() && scalar_zero(operand->zero_point->constant.get()) == 0);
}

bool integer_kernel_types(const QdqOperand& x, const QdqOperand& w, const QdqOperand& y) {
  const DType xt = x.integer->dtype, wt = w.integer->dtype, yt = y.integer->dtype;
  if (xt == DType::Int16 || yt == DType::Int16) return xt == DType::Int16 && yt == DType::Int16 && wt == DType::Int8;
  return is_8bit(xt) && is_8bit(wt) && is_8bit(yt);
}

bool constant_8bit_weights(const std::optional<QdqOperand>& operand, int axis) {
  return operand && operand->integer->is_constant() && is_8bit(operand->integer->dtype) &&
         (operand->axis < 0 || operand->axis == axis);
}

Value* zero_point_or_zero(Graph& graph, const QdqOperand& operand) {
  if (operand.zero_point) return operand.zero_point;
  Tensor zero(operand.integer->dtype, operand.scale->shape);  // zero-filled
  return graph.add_constant(operand.integer->name + "_zero_point", std::make_shared<const Tensor>(std::move(zero)));
}

Value* quantized_bias(Graph& graph, const Node& node, size_t input, const QdqPattern& pattern, const QdqOperand& x,
                      const QdqOperand& w, int64_t channels) {
  Value* bias = node.inputs[input];
  const std::optional<QdqOperand>& given = pattern.inputs[input];
  if (bias->shape.numel() != channels || bias->shape.rank() > 2) return nullptr;
  const float x_scale = scalar_scale(*x.scale->constant);
  const Tensor& w_scale = *w.scale->constant;
  auto accumulator_scale = [&](int64_t c) {
    return static_cast<double>(x_scale) * static_cast<double>(w_scale.data<float>()[w_scale.numel() == 1 ? 0 : c]);
  };
  // The bias as real numbers, and whether it is already int32 at the accumulator scale.
  std::vector<double> real(static_cast<size_t>(channels));
  bool exact = false;
  if (given) {
    const Tensor* values = given->integer->constant.get();
    if (!values) return nullptr;
    const Tensor& scale = *given->scale->constant;
    const Tensor* zero = given->zero_point ? given->zero_point->constant.get() : nullptr;
    exact = values->dtype() == DType::Int32;
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t sc = scale.numel() == 1 ? 0 : c;
      const double b_scale = static_cast<double>(scale.data<float>()[sc]);
      const int64_t z = zero ? zero->as_int64(zero->numel() == 1 ? 0 : c) : 0;
      real[static_cast<size_t>(c)] = static_cast<double>(values->as_int64(c) - z) * b_scale;
      exact = exact && z == 0 && std::fabs(b_scale - accumulator_scale(c)) <= 1e-6 * accumulator_scale(c);
    }
    if (exact) return given->integer->shape.rank() == 1 ? given->integer : nullptr;
  } else {
    if (!bias->is_constant() || bias->dtype != DType::Float32) return nullptr;
    for (int64_t c = 0; c < channels; ++c) real[static_cast<size_t>(c)] = bias->constant->as_double(c);
  }
  std::vector<int32_t> quantized(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const double q = std::round(real[static_cast<size_t>(c)] / accumulator_scale(c));
    if (!(std::fabs(q) <= static_cast<double>(std::numeric_limits<int32_t>::max()))) return nullptr;
    quantized[static_cast<size_t>(c)] = static_cast<int32_t>(q);
  }
  return graph.add_constant(node.label() + "_bias_q",
                            std::make_shared<const Tensor>(Tensor::from_values<int32_t>(Shape{channels}, quantized)));
}

}  // namespace mote
