#include "compiler/ops/quant_math.h"

#include <algorithm>
#include <cmath>

namespace mote {

void quantize_multiplier(double real, int32_t& multiplier, int32_t& shift) {
  if (real == 0.0) {
    multiplier = 0;
    shift = 0;
    return;
  }
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // real = fraction * 2^exponent, fraction in [0.5, 1)
  int64_t q = static_cast<int64_t>(std::llround(fraction * static_cast<double>(int64_t{1} << 31)));
  if (q == (int64_t{1} << 31)) {
    q /= 2;
    ++exponent;
  }
  if (exponent < -31) {  // too small to represent: the product rounds to 0
    q = 0;
    exponent = 0;
  }
  multiplier = static_cast<int32_t>(q);
  shift = exponent;
}

std::pair<TensorPtr, TensorPtr> channel_multipliers(const Tensor& a_scale, const Tensor& b_scale, const Tensor& y_scale) {
  const int64_t n = b_scale.numel();
  std::vector<int32_t> multiplier(static_cast<size_t>(n)), shift(static_cast<size_t>(n));
  for (int64_t c = 0; c < n; ++c) {
    const double real = static_cast<double>(scalar_scale(a_scale)) * static_cast<double>(b_scale.data<float>()[c]) /
                        static_cast<double>(scalar_scale(y_scale));
    quantize_multiplier(real, multiplier[static_cast<size_t>(c)], shift[static_cast<size_t>(c)]);
  }
  return {std::make_shared<const Tensor>(Tensor::from_values<int32_t>(Shape{n}, multiplier)),
          std::make_shared<const Tensor>(Tensor::from_values<int32_t>(Shape{n}, shift))};
}

float scalar_scale(const Tensor& scale) { return scale.data<float>()[0]; }

int32_t scalar_zero(const Tensor* zero_point) { return zero_point ? static_cast<int32_t>(zero_point->as_int64(0)) : 0; }

std::pair<int32_t, int32_t> quantized_activation_range(const std::optional<FusedActivation>& activation, float scale,
                                                       int32_t zero, int32_t lo, int32_t hi) {
  if (!activation) return {lo, hi};
  auto quantized = [&](float real) {
    const double q = std::round(static_cast<double>(real) / static_cast<double>(scale)) + zero;  // as TFLite
    return static_cast<int32_t>(std::clamp(q, static_cast<double>(lo), static_cast<double>(hi)));
  };
  switch (activation->kind) {
    case FusedActivation::Kind::Relu: return {std::max(lo, zero), hi};
    case FusedActivation::Kind::Clip: return {quantized(activation->alpha), quantized(activation->beta)};
    default: throw_internal("quantized kernels apply only Relu and Clip in their store");
  }
}

namespace {

int32_t lowest(DType type) { return type == DType::Int8 ? -128 : 0; }

// Writes the quantized value `q` (before saturation) into entry i of an 8-bit table.
void set_entry(Tensor& table, int32_t i, double q) {
  const int32_t low = lowest(table.dtype());
  const int32_t v = static_cast<int32_t>(std::fmin(std::fmax(q, low), low + 255));
  if (table.dtype() == DType::Int8)
    table.data<int8_t>()[i] = static_cast<int8_t>(v);
  else
    table.data<uint8_t>()[i] = static_cast<uint8_t>(v);
}

}  // namespace

Tensor function_table(DType x_type, double x_scale, int32_t x_zero, DType y_type, double y_scale, int32_t y_zero,
                      const std::function<double(double)>& f) {
  Tensor table(y_type, Shape{256});
  for (int32_t i = 0; i < 256; ++i) set_entry(table, i, std::nearbyint(f((i + lowest(x_type) - x_zero) * x_scale) / y_scale) + y_zero);
  return table;
}

Tensor requantization_table(DType x_type, float x_scale, int32_t x_zero, DType y_type, float y_scale, int32_t y_zero) {
  Tensor table(y_type, Shape{256});
  for (int32_t i = 0; i < 256; ++i) {
    const float real = static_cast<float>(i + lowest(x_type) - x_zero) * x_scale;  // DequantizeLinear
    set_entry(table, i, static_cast<double>(std::nearbyint(real / y_scale)) + y_zero);  // QuantizeLinear
  }
  return table;
}

}  // namespace mote
