// Fixed-point arithmetic and quantization facts the compiler works out for integer kernels.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>

#include "compiler/ir/graph.h"

namespace mote {

// Splits a positive real multiplier into a Q31 multiplier and a power-of-two shift so that
// real ~= multiplier * 2^(shift - 31), as TFLite's QuantizeMultiplier does. runtime-min's
// requantize() applies it with the same rounding as TFLite Micro and CMSIS-NN.
void quantize_multiplier(double real, int32_t& multiplier, int32_t& shift);

// Per-channel requantization constants (multiplier and shift tensors) for
// a_scale * b_scale[c] / y_scale, computed in double from the float scales as TFLite does.
std::pair<TensorPtr, TensorPtr> channel_multipliers(const Tensor& a_scale, const Tensor& b_scale, const Tensor& y_scale);

// A scalar scale / zero point (a one-element tensor); a null zero point is 0.
float scalar_scale(const Tensor& scale);
int32_t scalar_zero(const Tensor* zero_point);

// The output clamp of an integer kernel in output units: the type's range [lo, hi] narrowed
// by a fused Relu or Clip (which commute with quantization, a monotonic map).
std::pair<int32_t, int32_t> quantized_activation_range(const std::optional<FusedActivation>& activation, float scale,
                                                       int32_t zero, int32_t lo, int32_t hi);

// The 256-entry table of an 8-bit function: table[i] = quantize(f(dequantize(i + lowest of
// x_type))), in double, rounding half to even and saturating as QuantizeLinear does.
Tensor function_table(DType x_type, double x_scale, int32_t x_zero, DType y_type, double y_scale, int32_t y_zero,
                      const std::function<double(double)>& f);

// The table of QuantizeLinear(DequantizeLinear(i)) from one 8-bit quantization to another,
// computed in float32 as the two ONNX ops are, so that it equals them on every value.
Tensor requantization_table(DType x_type, float x_scale, int32_t x_zero, DType y_type, float y_scale, int32_t y_zero);

}  // namespace mote
