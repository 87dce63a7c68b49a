// LRN: local response normalisation across channels.
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/normalization.h"

namespace mote::ops {
namespace {

struct LrnAttrs : AttrsOf<LrnAttrs> {
  float alpha = 1e-4f;
  float beta = 0.75f;
  float bias = 1.0f;
  int64_t size = 0;
  template <class V>
  void fields(V& v) {
    v("alpha", alpha);
    v("beta", beta);
    v("bias", bias);
    v.required("size", size);
  }
};

void infer(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<FloatTypes>());
  c.require_rank(0, 3, kMaxRank);
  if (c.attrs<LrnAttrs>().size < 1) c.invalid("size must be positive");
  c.set_output(0, c.dtype(0), c.shape(0));
}

std::vector<KernelCall> lower(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  const auto& a = c.attrs<LrnAttrs>();
  LrnParams p{static_cast<int32_t>(x[0]), static_cast<int32_t>(x[1]), static_cast<int32_t>(x.numel(2, x.rank())),
              static_cast<int32_t>(a.size), a.alpha, a.beta, a.bias};
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/normalization.h", "mote::lrn<" + cpp_type<T>() + ">", "mote::LrnParams", p, &mote::lrn<T>,
                       {KernelArg::input(0), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kLRN = {"", "LRN", make_attrs<LrnAttrs>, infer, lower, {}};

}  // namespace mote::ops
