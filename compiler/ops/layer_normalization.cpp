// LayerNormalization (opset 17): normalise over the dims from `axis` on; optional Mean and
// InvStdDev outputs.
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/normalization.h"

namespace mote::ops {
namespace {

struct LayerNormAttrs : AttrsOf<LayerNormAttrs> {
  int64_t axis = -1;
  float epsilon = 1e-5f;
  int64_t stash_type = 1;
  template <class V>
  void fields(V& v) {
    v("axis", axis);
    v("epsilon", epsilon);
    v("stash_type", stash_type);
  }
};

// Scale/B broadcast over the normalised dims; runtime-min repeats them every `size`
// elements, which is right when their shape is a suffix of the normalised shape.
bool repeats_as_suffix(const Shape& param, const Shape& x, int64_t axis) {
  if (param.rank() > x.rank() - axis) return false;
  int first = param.rank();
  for (int i = 0; i < param.rank(); ++i)
    if (param[i] != 1) {
      first = i;
      break;
    }
  for (int i = first; i < param.rank(); ++i)
    if (param[i] != x[x.rank() - param.rank() + i]) return false;
  return true;
}

void infer(InferContext& c) {
  c.require_inputs(2, 3);
  c.require_outputs(1, 3);
  c.require_dtype(0, dtype_set<FloatTypes>());
  const auto& a = c.attrs<LayerNormAttrs>();
  if (a.stash_type != 1) c.unsupported("stash_type " + std::to_string(a.stash_type) + " (only 1, float statistics)");
  int64_t axis = c.axis(a.axis, c.rank(0));
  for (size_t i = 1; i < c.num_inputs(); ++i) {
    if (!c.has_input(i)) continue;
    c.require_same_dtype(0, i);
    if (!repeats_as_suffix(c.shape(i), c.shape(0), axis))
      c.unsupported("input " + std::to_string(i) + " of shape " + c.shape(i).to_string() + " does not broadcast as a suffix of " +
                    c.shape(0).to_string());
  }
  c.set_output(0, c.dtype(0), c.shape(0));
  std::vector<int64_t> stats = c.shape(0).dims();
  for (size_t i = static_cast<size_t>(axis); i < stats.size(); ++i) stats[i] = 1;
  c.set_output(1, DType::Float32, Shape(stats));
  c.set_output(2, DType::Float32, Shape(stats));
}

std::vector<KernelCall> lower(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  const auto& a = c.attrs<LayerNormAttrs>();
  int64_t axis = a.axis < 0 ? a.axis + x.rank() : a.axis;
  LayerNormParams p{};
  p.outer = static_cast<int32_t>(x.numel(0, static_cast<int>(axis)));
  p.inner = static_cast<int32_t>(x.numel(static_cast<int>(axis), x.rank()));
  p.scale_size = static_cast<int32_t>(std::max<int64_t>(1, c.input(1).shape.numel()));
  p.bias_size = c.has_input(2) ? static_cast<int32_t>(std::max<int64_t>(1, c.input(2).shape.numel())) : 1;
  p.epsilon = a.epsilon;
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/normalization.h", "mote::layer_norm<" + cpp_type<T>() + ", float>", "mote::LayerNormParams", p,
                       &mote::layer_norm<T, float>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::output(0),
                        KernelArg::output(1), KernelArg::output(2)});
  })};
}

}  // namespace

extern const OpDef kLayerNormalization = {"", "LayerNormalization", make_attrs<LayerNormAttrs>, infer, lower, {}};

}  // namespace mote::ops
