// com.microsoft.QLinearAdd and QLinearMul (ONNX Runtime's quantized Add and Mul, and what
// fuse_qdq makes of quantized ones): A, A_scale, A_zero_point, B, B_scale, B_zero_point,
// C_scale, C_zero_point, numpy broadcasting; one shape rule for both. Integer-only, computed as
// TFLite's int8 ADD and MUL (mote::qadd, mote::qmul) so results match TFLite Micro bit for bit.
#include <algorithm>

#include "compiler/ops/broadcast.h"
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/quant_math.h"
#include "mote/quantized.h"

namespace mote::ops {
namespace {

constexpr size_t kA = 0, kAScale = 1, kAZero = 2, kB = 3, kBScale = 4, kBZero = 5, kCScale = 6, kCZero = 7;
// TFLite's headroom: (a - a_zero) * 2^left_shift must fit int32, which for int16 needs zero
// points of 0.
constexpr int32_t kLeftShift8 = 20, kLeftShift16 = 15;

void infer(InferContext& c) {
  c.require_inputs(7, 8);
  c.require_outputs(1, 1);
  c.require_dtype(kA, dtype_set<QuantizedActivationTypes>());
  c.require_same_dtype(kA, kB);
  for (size_t zero : {kAZero, kBZero, kCZero})
    if (c.has_input(zero)) c.require_same_dtype(kA, zero);
  for (size_t scale : {kAScale, kBScale, kCScale}) {
    c.require_dtype(scale, DTypeSet{DType::Float32});
    if (c.shape(scale).numel() != 1) c.unsupported("only per-tensor quantization is supported");
    if (!c.known_input(scale)) c.unsupported("scales must be known at compile time");
  }
  for (size_t zero : {kAZero, kBZero, kCZero}) {
    if (c.has_input(zero) && (c.shape(zero).numel() != 1 || !c.known_input(zero)))
      c.unsupported("zero points must be scalars known at compile time");
    if (c.dtype(kA) == DType::Int16 && c.has_input(zero) && scalar_zero(c.known_input(zero)) != 0)
      c.unsupported("int16 operands need zero points of 0 (symmetric quantization)");
  }
  Shape out;
  if (!broadcast_shapes(c.shape(kA), c.shape(kB), out))
    c.invalid("cannot broadcast shapes " + c.shape(kA).to_string() + " and " + c.shape(kB).to_string());
  c.set_output(0, c.dtype(kA), out);
}

// The fields both kernels share; the clamp is set per output type in bind_binary.
QBinaryParams binary_params(LowerContext& c) {
  QBinaryParams p{};
  p.broadcast = make_broadcast_params(c.output(0).shape, {c.input(kA).shape, c.input(kB).shape});
  p.a_zero = scalar_zero(c.known_input(kAZero));
  p.b_zero = scalar_zero(c.known_input(kBZero));
  p.y_zero = scalar_zero(c.known_input(kCZero));
  return p;
}

// The output clamp of type Q: its range, narrowed by a fused Relu/Clip.
template <class Q>
void set_clamp(LowerContext& c, QBinaryParams& p) {
  std::tie(p.act_min, p.act_max) = quantized_activation_range(c.node().activation, scalar_scale(c.constant_input(kCScale)), p.y_zero,
                                                              numeric_limits<Q>::lowest(), numeric_limits<Q>::max());
}

// One kernel call for the input type: `kernel` names mote::qadd or mote::qmul and `kernel_for`
// gives its instance for a type tag.
template <class Params, class KernelFor>
std::vector<KernelCall> bind_binary(LowerContext& c, Params p, const char* kernel, const char* params_type, KernelFor kernel_for) {
  return {dispatch_in<QuantizedActivationTypes>(c.input(kA).dtype, [&](auto tag) {
    using Q = typename decltype(tag)::type;
    set_clamp<Q>(c, p.binary);
    return bind_kernel("mote/quantized.h", std::string(kernel) + "<" + cpp_type<Q>() + ">", params_type, p, kernel_for(tag),
                       {KernelArg::input(kA), KernelArg::input(kB), KernelArg::output(0)});
  })};
}

std::vector<KernelCall> lower_add(LowerContext& c) {
  QAddParams p{};
  p.binary = binary_params(c);
  p.left_shift = c.input(kA).dtype == DType::Int16 ? kLeftShift16 : kLeftShift8;
  const double a_scale = scalar_scale(c.constant_input(kAScale)), b_scale = scalar_scale(c.constant_input(kBScale)),
               y_scale = scalar_scale(c.constant_input(kCScale));
  const double twice_max_input_scale = 2 * std::max(a_scale, b_scale);
  quantize_multiplier(a_scale / twice_max_input_scale, p.a_multiplier, p.a_shift);
  quantize_multiplier(b_scale / twice_max_input_scale, p.b_multiplier, p.b_shift);
  quantize_multiplier(twice_max_input_scale / (static_cast<double>(int64_t{1} << p.left_shift) * y_scale), p.y_multiplier, p.y_shift);
  // int8 Adds of at least kLookupElements outputs look the inputs' rescaling up in two tables
  // (2 KiB of flash): about 35 instructions per element instead of about 55 on a Cortex-M4.
  constexpr int64_t kLookupElements = 1024;
  if (c.input(kA).dtype == DType::Int8 && c.output(0).shape.numel() >= kLookupElements) {
    set_clamp<int8_t>(c, p.binary);
    auto table = [&](int32_t multiplier, int32_t shift, int32_t zero) {
      Tensor t(DType::Int32, Shape{256});
      mote::qadd_input_table(multiplier, shift, zero, p.left_shift, t.data<int32_t>());
      return KernelArg::constant_tensor(std::make_shared<const Tensor>(std::move(t)));
    };
    return {bind_kernel("mote/quantized.h", "mote::qadd_lookup", "mote::QAddParams", p, &mote::qadd_lookup,
                        {KernelArg::input(kA), KernelArg::input(kB), table(p.a_multiplier, p.a_shift, p.binary.a_zero),
                         table(p.b_multiplier, p.b_shift, p.binary.b_zero), KernelArg::output(0)})};
  }
  return bind_binary(c, p, "mote::qadd", "mote::QAddParams", [](auto tag) { return &mote::qadd<typename decltype(tag)::type>; });
}

// TFLite's MUL: (a - a_zero) (b - b_zero) requantized by a_scale b_scale / y_scale.
std::vector<KernelCall> lower_mul(LowerContext& c) {
  QMulParams p{};
  p.binary = binary_params(c);
  quantize_multiplier(static_cast<double>(scalar_scale(c.constant_input(kAScale))) * scalar_scale(c.constant_input(kBScale)) /
                          scalar_scale(c.constant_input(kCScale)),
                      p.multiplier, p.shift);
  return bind_binary(c, p, "mote::qmul", "mote::QMulParams", [](auto tag) { return &mote::qmul<typename decltype(tag)::type>; });
}

}  // namespace

extern const OpDef kQLinearAdd = {"com.microsoft", "QLinearAdd", make_attrs<NoAttrs>, infer, lower_add, {}};
extern const OpDef kQLinearMul = {"com.microsoft", "QLinearMul", make_attrs<NoAttrs>, infer, lower_mul, {}};

}  // namespace mote::ops
