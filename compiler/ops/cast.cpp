// Cast and CastLike: elementwise conversion with runtime-min's defined-behaviour rules
// (float to integer truncates and saturates; NaN becomes 0).
#include "compiler/ops/elementwise_calls.h"
#include "compiler/ops/op_def.h"

namespace mote::ops {
namespace {

struct CastAttrs : AttrsOf<CastAttrs> {
  int64_t to = 0;  // ONNX TensorProto data type
  template <class V>
  void fields(V& v) {
    v.required("to", to);
  }
};

DType target(InferContext& c) {
  const int64_t to = c.attrs<CastAttrs>().to;
  std::optional<DType> dtype = dtype_from_onnx(static_cast<int>(to));
  if (!dtype) c.unsupported(to == 8 ? "casts to string are not supported" : "cast to element type " + std::to_string(to) + " is not supported");
  return *dtype;
}

KernelCall cast_kernel(DType from, DType to, int64_t count) {
  UnaryParams p{static_cast<int32_t>(count), 0.0f, 0.0f, 0.0f};
  return dispatch_in<AllTypes>(from, [&](auto from_tag) {
    using T = typename decltype(from_tag)::type;
    return dispatch_in<AllTypes>(to, [&](auto to_tag) {
      using U = typename decltype(to_tag)::type;
      return unary_kernel<op::Identity, T, U>(p, KernelArg::input(0), KernelArg::output(0));
    });
  });
}

void infer_cast(InferContext& c) {
  c.require_inputs(1, 1);
  c.set_output(0, target(c), c.shape(0));
}

std::vector<KernelCall> lower(LowerContext& c) {
  return {cast_kernel(c.input(0).dtype, c.output(0).dtype, c.input(0).shape.numel())};
}

void infer_cast_like(InferContext& c) {
  c.require_inputs(2, 2);
  c.set_output(0, c.dtype(1), c.shape(0));
}

}  // namespace

extern const OpDef kCast = {"", "Cast", make_attrs<CastAttrs>, infer_cast, lower, {true, false, false}};
extern const OpDef kCastLike = {"", "CastLike", make_attrs<NoAttrs>, infer_cast_like, lower, {true, false, false}};

}  // namespace mote::ops
