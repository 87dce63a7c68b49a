// Functions of one 8-bit tensor as 256-entry tables the compiler fills (mote::lookup_table):
// com.microsoft.QLinearSigmoid and QLinearLeakyRelu (X, X_scale, X_zero_point, Y_scale,
// Y_zero_point), and mote.Lookup (X, table), which fuse_qdq makes of any elementwise float op
// between DequantizeLinear and QuantizeLinear; for int16 tensors (zero point 0) mote.Lookup
// takes a 513-entry table and interpolates (mote::lookup_interpolated).
#include <cmath>
#include <functional>

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/quant_math.h"
#include "mote/quantized.h"

namespace mote::ops {
namespace {

using QuantTypes = TypeList<int8_t, uint8_t>;

KernelCall lookup_call(DType x_type, DType y_type, int64_t count, KernelArg table) {
  LookupParams p{static_cast<int32_t>(count)};
  return dispatch_in<QuantTypes>(x_type, [&](auto xtag) {
    using X = typename decltype(xtag)::type;
    return dispatch_in<QuantTypes>(y_type, [&](auto ytag) {
      using Y = typename decltype(ytag)::type;
      return bind_kernel("mote/quantized.h", "mote::lookup_table<" + cpp_type<X>() + ", " + cpp_type<Y>() + ">",
                         "mote::LookupParams", p, &mote::lookup_table<X, Y>, {KernelArg::input(0), table, KernelArg::output(0)});
    });
  });
}

// ---- mote.Lookup ----

constexpr int64_t kInterpolatedEntries = 513;

void infer_lookup(InferContext& c) {
  c.require_inputs(2, 2);
  c.require_outputs(1, 1);
  if (c.dtype(0) == DType::Int16 || c.dtype(1) == DType::Int16) {
    c.require_dtype(0, DTypeSet{DType::Int16});
    c.require_dtype(1, DTypeSet{DType::Int16});
    if (c.shape(1) != Shape{kInterpolatedEntries})
      c.invalid("an int16 table must have " + std::to_string(kInterpolatedEntries) + " entries, not " + c.shape(1).to_string());
  } else {
    c.require_dtype(0, dtype_set<QuantTypes>());
    c.require_dtype(1, dtype_set<QuantTypes>());
    if (c.shape(1) != Shape{256}) c.invalid("the table must have 256 entries, not " + c.shape(1).to_string());
  }
  c.set_output(0, c.dtype(1), c.shape(0));
}

std::vector<KernelCall> lower_lookup(LowerContext& c) {
  if (c.input(0).dtype == DType::Int16)
    return {bind_kernel("mote/quantized.h", "mote::lookup_interpolated<int16_t, int16_t>", "mote::LookupParams",
                        LookupParams{static_cast<int32_t>(c.input(0).shape.numel())}, &mote::lookup_interpolated<int16_t, int16_t>,
                        {KernelArg::input(0), KernelArg::input(1), KernelArg::output(0)})};
  return {lookup_call(c.input(0).dtype, c.output(0).dtype, c.input(0).shape.numel(), KernelArg::input(1))};
}

// ---- com.microsoft.QLinearSigmoid / QLinearLeakyRelu ----

struct LeakyReluAttrs : AttrsOf<LeakyReluAttrs> {
  float alpha = 0.01f;
  template <class V>
  void fields(V& v) {
    v("alpha", alpha);
  }
};

void infer_qlinear_unary(InferContext& c) {
  c.require_inputs(4, 5);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<QuantTypes>());
  if (c.has_input(2)) c.require_same_dtype(0, 2);
  for (size_t scale : {size_t{1}, size_t{3}}) {
    c.require_dtype(scale, DTypeSet{DType::Float32});
    if (c.shape(scale).numel() != 1 || !c.known_input(scale)) c.unsupported("scales must be scalars known at compile time");
  }
  for (size_t zero : {size_t{2}, size_t{4}})
    if (c.has_input(zero) && (c.shape(zero).numel() != 1 || !c.known_input(zero)))
      c.unsupported("zero points must be scalars known at compile time");
  c.set_output(0, c.has_input(4) ? c.dtype(4) : c.dtype(0), c.shape(0));
}

std::vector<KernelCall> lower_table(LowerContext& c, const std::function<double(double)>& f) {
  Tensor table = function_table(c.input(0).dtype, scalar_scale(c.constant_input(1)), scalar_zero(c.known_input(2)), c.output(0).dtype,
                                scalar_scale(c.constant_input(3)), scalar_zero(c.known_input(4)), f);
  return {lookup_call(c.input(0).dtype, c.output(0).dtype, c.input(0).shape.numel(),
                      KernelArg::constant_tensor(std::make_shared<const Tensor>(std::move(table))))};
}

std::vector<KernelCall> lower_sigmoid(LowerContext& c) {
  return lower_table(c, [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
}

std::vector<KernelCall> lower_leaky_relu(LowerContext& c) {
  const double alpha = c.attrs<LeakyReluAttrs>().alpha;
  return lower_table(c, [alpha](double x) { return x < 0 ? alpha * x : x; });
}

}  // namespace

extern const OpDef kLookup = {"mote", "Lookup", make_attrs<NoAttrs>, infer_lookup, lower_lookup, {}};
extern const OpDef kQLinearSigmoid = {"com.microsoft", "QLinearSigmoid", make_attrs<NoAttrs>, infer_qlinear_unary, lower_sigmoid, {}};
extern const OpDef kQLinearLeakyRelu = {"com.microsoft", "QLinearLeakyRelu", make_attrs<LeakyReluAttrs>, infer_qlinear_unary,
                                        lower_leaky_relu, {}};

}  // namespace mote::ops
