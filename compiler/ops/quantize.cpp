// QuantizeLinear and DequantizeLinear: float <-> integer at the quantized graph's edges,
// per tensor or per axis. Scales and zero points may be constants or computed at run time
// (DynamicQuantizeLinear's expansion computes them).
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/quantize.h"
#include "mote/quantized.h"

namespace mote::ops {
namespace {

// 8- and 16-bit integers (opset 21 added the 16-bit ones; --quantize int16x8 makes int16).
using QuantTypes = TypeList<int8_t, uint8_t, int16_t, uint16_t>;
using QuantizeInputTypes = TypeList<float, float16, bfloat16, double, int32_t>;
using DequantizeInputTypes = TypeList<int8_t, uint8_t, int16_t, uint16_t, int32_t>;

// Validates scale / zero point against x and works out the per-axis split.
template <class Context>
QuantizeParams quantize_params(Context& c) {
  const Shape& x = c.shape(0);
  const Shape& scale = c.shape(1);
  QuantizeParams p{static_cast<int32_t>(x.numel()), 1, 1, static_cast<int32_t>(x.numel())};
  if (scale.numel() == 1 && scale.rank() <= 1) return p;
  if (scale.rank() != 1) c.invalid("scale must be a scalar or 1-D, not " + scale.to_string());
  const int axis = static_cast<int>(c.axis(c.template attrs<QuantizeAttrs>().axis, x.rank()));
  if (scale[0] != x[axis])
    c.invalid("per-axis scale has " + std::to_string(scale[0]) + " values for axis " + std::to_string(axis) + " of size " +
              std::to_string(x[axis]));
  p.outer = static_cast<int32_t>(x.numel(0, axis));
  p.channels = static_cast<int32_t>(x[axis]);
  p.inner = static_cast<int32_t>(x.numel(axis + 1, x.rank()));
  return p;
}

void check_zero_point(InferContext& c) {
  if (!c.has_input(2)) return;
  if (c.shape(2) != c.shape(1) && !(c.shape(2).numel() == 1 && c.shape(1).numel() == 1))
    c.invalid("zero point shape " + c.shape(2).to_string() + " differs from the scale shape " + c.shape(1).to_string());
}

void infer_quantize(InferContext& c) {
  c.require_inputs(2, 3);
  c.require_dtype(0, dtype_set<QuantizeInputTypes>());
  c.require_dtype(1, DTypeSet{DType::Float32});
  if (c.has_input(2)) c.require_dtype(2, dtype_set<QuantTypes>());
  quantize_params(c);
  check_zero_point(c);
  c.set_output(0, c.has_input(2) ? c.dtype(2) : DType::UInt8, c.shape(0));
}

std::vector<KernelCall> lower_quantize(LowerContext& c) {
  QuantizeParams p = quantize_params(c);
  return {dispatch_in<QuantizeInputTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return dispatch_in<QuantTypes>(c.output(0).dtype, [&](auto qtag) {
      using Q = typename decltype(qtag)::type;
      return bind_kernel("mote/quantized.h", "mote::quantize_linear<" + cpp_type<T>() + ", " + cpp_type<Q>() + ">",
                         "mote::QuantizeParams", p, &mote::quantize_linear<T, Q>,
                         {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::output(0)});
    });
  })};
}

void infer_dequantize(InferContext& c) {
  c.require_inputs(2, 3);
  c.require_dtype(0, dtype_set<DequantizeInputTypes>());
  c.require_dtype(1, DTypeSet{DType::Float32});
  if (c.has_input(2)) c.require_same_dtype(0, 2);
  quantize_params(c);
  check_zero_point(c);
  c.set_output(0, DType::Float32, c.shape(0));
}

std::vector<KernelCall> lower_dequantize(LowerContext& c) {
  QuantizeParams p = quantize_params(c);
  return {dispatch_in<DequantizeInputTypes>(c.input(0).dtype, [&](auto tag) {
    using Q = typename decltype(tag)::type;
    return bind_kernel("mote/quantized.h", "mote::dequantize_linear<" + cpp_type<Q>() + ", float>", "mote::QuantizeParams", p,
                       &mote::dequantize_linear<Q, float>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kQuantizeLinear = {"", "QuantizeLinear", make_attrs<QuantizeAttrs>, infer_quantize, lower_quantize, {}};
extern const OpDef kDequantizeLinear = {"", "DequantizeLinear", make_attrs<QuantizeAttrs>, infer_dequantize, lower_dequantize, {}};

}  // namespace mote::ops
