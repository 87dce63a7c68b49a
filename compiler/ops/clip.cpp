// Clip: bounds are attributes before opset 11 and optional scalar inputs after.
#include <limits>

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/elementwise.h"

namespace mote::ops {
namespace {

struct ClipAttrs : AttrsOf<ClipAttrs> {  // before opset 11
  std::optional<float> min, max;
  std::optional<std::vector<int64_t>> consumed_inputs;
  template <class V>
  void fields(V& v) {
    v("min", min);
    v("max", max);
    v("consumed_inputs", consumed_inputs);
  }
};

void infer(InferContext& c) {
  c.require_inputs(1, 3);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<NumericTypes>());
  for (size_t i = 1; i < c.num_inputs(); ++i) {
    if (!c.has_input(i)) continue;
    c.require_same_dtype(0, i);
    if (c.shape(i).numel() != 1) c.invalid("min and max must be scalars");
  }
  c.set_output(0, c.dtype(0), c.shape(0));
}

std::vector<KernelCall> lower(LowerContext& c) {
  const auto& a = c.attrs<ClipAttrs>();
  ClipParams p{static_cast<int32_t>(c.input(0).shape.numel())};
  return {dispatch_in<NumericTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    auto bound = [&](size_t input, const std::optional<float>& attr) {
      if (c.opset() >= 11) return c.has_input(input) ? KernelArg::input(static_cast<int>(input)) : KernelArg::none();
      if (!attr) return KernelArg::none();
      return KernelArg::constant_tensor(std::make_shared<const Tensor>(Tensor::scalar<T>(convert<T>(*attr))));
    };
    KernelCall call = bind_kernel("mote/elementwise.h", "mote::clip<" + cpp_type<T>() + ">", "mote::ClipParams", p,
                                  &mote::clip<T>, {KernelArg::input(0), bound(1, a.min), bound(2, a.max), KernelArg::output(0)});
    call.in_place = {{0, 0}};
    return call;
  })};
}

// Clip fuses into a producer when both bounds are known now (a missing bound is infinite).
bool as_activation(const Node& node, FusedActivation& out) {
  float bounds[2] = {-std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity()};
  if (node.opset < 11) {
    const auto& a = node.attrs_as<ClipAttrs>();
    if (a.min) bounds[0] = *a.min;
    if (a.max) bounds[1] = *a.max;
  } else {
    for (size_t i = 1; i <= 2; ++i) {
      const Value* bound = node.input(i);
      if (!bound) continue;
      if (!bound->is_constant() || bound->dtype != DType::Float32) return false;
      bounds[i - 1] = bound->constant->data<float>()[0];
    }
  }
  out = {FusedActivation::Kind::Clip, bounds[0], bounds[1]};
  return true;
}

}  // namespace

extern const OpDef kClip = {"", "Clip", make_attrs<ClipAttrs>, infer, lower, {true, false, false}, as_activation};

}  // namespace mote::ops
