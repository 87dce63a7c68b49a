// Softmax, LogSoftmax, Hardmax. Before opset 13 they act on the input flattened to 2-D at
// `axis` (default 1); from 13 on, along `axis` alone (default -1).
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/softmax.h"

namespace mote::ops {
namespace {

struct SoftmaxAttrs : AttrsOf<SoftmaxAttrs> {
  std::optional<int64_t> axis;
  template <class V>
  void fields(V& v) {
    v("axis", axis);
  }
};

int64_t resolved_axis(int opset, const SoftmaxAttrs& a) { return a.axis ? *a.axis : (opset < 13 ? 1 : -1); }

void infer(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<FloatTypes>());
  int rank = std::max(1, c.rank(0));
  c.axis(resolved_axis(c.opset(), c.attrs<SoftmaxAttrs>()), rank);
  c.set_output(0, c.dtype(0), c.shape(0));
}

enum class Kind { Softmax, LogSoftmax, Hardmax };

template <Kind kKind>
std::vector<KernelCall> lower(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  int rank = x.rank();
  int64_t axis = resolved_axis(c.opset(), c.attrs<SoftmaxAttrs>());
  if (axis < 0) axis += std::max(1, rank);
  SoftmaxParams p{};
  const int a = static_cast<int>(axis);
  p.outer = static_cast<int32_t>(x.numel(0, std::min(a, rank)));
  if (c.opset() < 13) {
    p.length = static_cast<int32_t>(x.numel(std::min(a, rank), rank));
    p.inner = 1;
  } else {
    p.length = static_cast<int32_t>(rank == 0 ? 1 : x[a]);
    p.inner = static_cast<int32_t>(x.numel(std::min(a + 1, rank), rank));
  }
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const char* name = kKind == Kind::Softmax ? "softmax" : kKind == Kind::LogSoftmax ? "log_softmax" : "hardmax";
    auto fn = kKind == Kind::Softmax ? &mote::softmax<T> : kKind == Kind::LogSoftmax ? &mote::log_softmax<T> : &mote::hardmax<T>;
    return bind_kernel("mote/softmax.h", std::string("mote::") + name + "<" + cpp_type<T>() + ">", "mote::SoftmaxParams", p, fn,
                       {KernelArg::input(0), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kSoftmax = {"", "Softmax", make_attrs<SoftmaxAttrs>, infer, lower<Kind::Softmax>, {}};
extern const OpDef kLogSoftmax = {"", "LogSoftmax", make_attrs<SoftmaxAttrs>, infer, lower<Kind::LogSoftmax>, {}};
extern const OpDef kHardmax = {"", "Hardmax", make_attrs<SoftmaxAttrs>, infer, lower<Kind::Hardmax>, {}};

}  // namespace mote::ops
