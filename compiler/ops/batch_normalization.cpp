// BatchNormalization in inference mode: per-channel affine transform with running stats.
#include <cmath>

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/normalization.h"

namespace mote::ops {
namespace {

struct BatchNormAttrs : AttrsOf<BatchNormAttrs> {
  float epsilon = 1e-5f;
  float momentum = 0.9f;                                // training only
  int64_t training_mode = 0;                            // opset 14+
  int64_t spatial = 1;                                  // opset < 9
  std::optional<int64_t> is_test;                       // opset < 7
  std::optional<std::vector<int64_t>> consumed_inputs;  // opset 1 hint
  template <class V>
  void fields(V& v) {
    v("epsilon", epsilon);
    v("momentum", momentum);
    v("training_mode", training_mode);
    v("spatial", spatial);
    v("is_test", is_test);
    v("consumed_inputs", consumed_inputs);
  }
};

void infer(InferContext& c) {
  c.require_inputs(5, 5);
  const auto& a = c.attrs<BatchNormAttrs>();
  // Training mode (opset 14+) normalises with batch statistics and outputs the updated running
  // ones; older opsets' extra training outputs (saved statistics) are not supported.
  if (c.node().outputs.size() > 1 && !(a.training_mode && c.opset() >= 14 && c.node().outputs.size() <= 3))
    c.unsupported("the training outputs of opset " + std::to_string(c.opset()) + " (saved statistics) are not supported");
  if (!a.spatial) c.unsupported("spatial=0 (per-activation statistics) is not supported");
  c.require_dtype(0, dtype_set<FloatTypes>());
  c.require_rank(0, 2, kMaxRank);
  const int64_t channels = c.shape(0)[1];
  for (size_t i = 1; i < 5; ++i) {
    c.require_same_dtype(0, i);
    if (c.shape(i) != Shape{channels})
      c.invalid("input " + std::to_string(i) + " has shape " + c.shape(i).to_string() + ", expected [" + std::to_string(channels) + "]");
  }
  c.set_output(0, c.dtype(0), c.shape(0));
  c.set_output(1, c.dtype(0), Shape{channels});
  c.set_output(2, c.dtype(0), Shape{channels});
}

std::vector<KernelCall> lower(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  const auto& a = c.attrs<BatchNormAttrs>();
  BatchNormParams p{static_cast<int32_t>(x[0]), static_cast<int32_t>(x[1]), static_cast<int32_t>(x.numel(2, x.rank())), a.epsilon,
                    a.momentum};
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (a.training_mode)
      return bind_kernel("mote/normalization.h", "mote::batch_norm_training<" + cpp_type<T>() + ">", "mote::BatchNormParams", p,
                         &mote::batch_norm_training<T>,
                         {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::input(3), KernelArg::input(4),
                          KernelArg::output(0), KernelArg::output(1), KernelArg::output(2)});
    return bind_kernel("mote/normalization.h", "mote::batch_norm<" + cpp_type<T>() + ">", "mote::BatchNormParams", p,
                       &mote::batch_norm<T>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::input(3),
                        KernelArg::input(4), KernelArg::output(0)});
  })};
}



// Inference BatchNormalization with constant float32 parameters is x * s + (B - mean * s)
// with s = scale / sqrt(var + epsilon), per channel.
bool as_channel_affine(const Node& node, ChannelAffine& affine) {
  const auto& a = node.attrs_as<BatchNormAttrs>();
  if (a.training_mode || a.spatial != 1 || node.outputs.size() != 1) return false;
  for (size_t i = 1; i <= 4; ++i)
    if (!node.input(i) || !node.input(i)->is_constant() || node.input(i)->dtype != DType::Float32) return false;
  const float *scale = node.input(1)->constant->data<float>(), *bias = node.input(2)->constant->data<float>();
  const float *mean = node.input(3)->constant->data<float>(), *var = node.input(4)->constant->data<float>();
  affine.data_input = 0;
  const int64_t channels = node.input(1)->shape.numel();
  for (int64_t c = 0; c < channels; ++c) {
    const double s = static_cast<double>(scale[c]) / std::sqrt(static_cast<double>(var[c]) + static_cast<double>(a.epsilon));
    affine.scale.push_back(s);
    affine.shift.push_back(static_cast<double>(bias[c]) - static_cast<double>(mean[c]) * s);
  }
  return true;
}

}  // namespace

extern const OpDef kBatchNormalization = {"", "BatchNormalization", make_attrs<BatchNormAttrs>, infer, lower, {}, nullptr,
                                          as_channel_affine};

}  // namespace mote::ops
