// InstanceNormalization: statistics per (batch item, channel).
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/normalization.h"

namespace mote::ops {
namespace {

struct InstanceNormAttrs : AttrsOf<InstanceNormAttrs> {
  float epsilon = 1e-5f;
  std::optional<std::vector<int64_t>> consumed_inputs;  // opset 1 hint
  template <class V>
  void fields(V& v) {
    v("epsilon", epsilon);
    v("consumed_inputs", consumed_inputs);
  }
};

void infer(InferContext& c) {
  c.require_inputs(3, 3);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<FloatTypes>());
  c.require_rank(0, 3, kMaxRank);
  const int64_t channels = c.shape(0)[1];
  for (size_t i = 1; i < 3; ++i) {
    c.require_same_dtype(0, i);
    if (c.shape(i) != Shape{channels}) c.invalid("scale and B must have shape [" + std::to_string(channels) + "]");
  }
  c.set_output(0, c.dtype(0), c.shape(0));
}

std::vector<KernelCall> lower(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  BatchNormParams p{static_cast<int32_t>(x[0]), static_cast<int32_t>(x[1]), static_cast<int32_t>(x.numel(2, x.rank())),
                    c.attrs<InstanceNormAttrs>().epsilon, 0.0f};
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/normalization.h", "mote::instance_norm<" + cpp_type<T>() + ">", "mote::BatchNormParams", p,
                       &mote::instance_norm<T>, {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kInstanceNormalization = {"", "InstanceNormalization", make_attrs<InstanceNormAttrs>, infer, lower, {}};

}  // namespace mote::ops
