// ConvTranspose: the gradient-of-conv upsampling, 1-D to 3-D, with groups, dilations,
// output_padding, output_shape and automatic padding.
#include "compiler/ops/conv.h"
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/conv.h"

namespace mote::ops {
namespace {

struct Geometry {
  std::vector<int64_t> in, out, kernel, stride, dilation, pad_begin;
};

// Output size and begin-padding; "" or the problem.
std::string geometry(const ConvTransposeAttrs& a, const Shape& x, const Shape& w, Geometry& g) {
  const size_t rank = static_cast<size_t>(x.rank() - 2);
  auto list = [&](const std::vector<int64_t>& v, int64_t fill, size_t n) { return v.empty() ? std::vector<int64_t>(n, fill) : v; };
  g.in.assign(x.dims().begin() + 2, x.dims().end());
  g.kernel = a.kernel_shape.empty() ? std::vector<int64_t>(w.dims().begin() + 2, w.dims().end()) : a.kernel_shape;
  g.stride = list(a.strides, 1, rank);
  g.dilation = list(a.dilations, 1, rank);
  std::vector<int64_t> out_pad = list(a.output_padding, 0, rank);
  std::vector<int64_t> pads = list(a.pads, 0, 2 * rank);
  if (g.kernel.size() != rank || g.stride.size() != rank || g.dilation.size() != rank || out_pad.size() != rank ||
      pads.size() != 2 * rank)
    return "kernel_shape, strides, dilations, output_padding and pads must match the spatial rank " + std::to_string(rank);
  g.out.assign(rank, 0);
  g.pad_begin.assign(rank, 0);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t extent = (g.kernel[i] - 1) * g.dilation[i] + 1;
    const int64_t full = g.stride[i] * (g.in[i] - 1) + out_pad[i] + extent;  // before removing padding
    if (!a.output_shape.empty()) {
      const std::vector<int64_t>& os = a.output_shape;
      int64_t want = os.size() == rank ? os[i] : (os.size() == rank + 2 ? os[i + 2] : -1);
      if (want < 0) return "output_shape has " + std::to_string(os.size()) + " values";
      // A negative total (output_shape beyond the full result) pads at the end with zeros;
      // halves round down, as in the ONNX reference.
      const int64_t total = full - want;
      const int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      g.out[i] = want;
      g.pad_begin[i] = a.auto_pad == AutoPad::SameUpper ? half : total - half;
    } else if (a.auto_pad == AutoPad::SameUpper || a.auto_pad == AutoPad::SameLower) {
      g.out[i] = g.in[i] * g.stride[i];
      const int64_t total = std::max<int64_t>(0, full - g.out[i]);
      g.pad_begin[i] = a.auto_pad == AutoPad::SameUpper ? total / 2 : total - total / 2;
    } else {
      g.pad_begin[i] = a.auto_pad == AutoPad::Valid ? 0 : pads[i];
      const int64_t pad_end = a.auto_pad == AutoPad::Valid ? 0 : pads[i + rank];
      g.out[i] = full - g.pad_begin[i] - pad_end;
    }
    if (g.out[i] < 1) return "the output would be empty";
  }
  return {};
}

void infer(InferContext& c) {
  c.require_inputs(2, 3);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<FloatTypes>());
  c.require_same_dtype(0, 1);
  c.require_rank(0, 3, 5);
  const auto& a = c.attrs<ConvTransposeAttrs>();
  const Shape& x = c.shape(0);
  const Shape& w = c.shape(1);
  if (w.rank() != x.rank()) c.invalid("weights and input differ in rank");
  if (a.group < 1 || x[1] % a.group != 0 || w[0] != x[1])
    c.invalid("weights " + w.to_string() + " do not fit input " + x.to_string() + " with group " + std::to_string(a.group));
  const int64_t out_channels = w[1] * a.group;
  if (c.has_input(2) && c.shape(2) != Shape{out_channels}) c.invalid("bias should have shape [" + std::to_string(out_channels) + "]");
  Geometry g;
  std::string error = geometry(a, x, w, g);
  if (!error.empty()) c.invalid(error);
  std::vector<int64_t> out{x[0], out_channels};
  out.insert(out.end(), g.out.begin(), g.out.end());
  c.set_output(0, c.dtype(0), Shape(out));
}

std::vector<KernelCall> lower(LowerContext& c) {
  const auto& a = c.attrs<ConvTransposeAttrs>();
  const Shape& x = c.input(0).shape;
  const Shape& w = c.input(1).shape;
  Geometry g;
  geometry(a, x, w, g);
  ConvParams p{};
  p.activation = activation_params(c.node());
  p.batch = static_cast<int32_t>(x[0]);
  p.in_channels = static_cast<int32_t>(x[1]);
  p.out_channels = static_cast<int32_t>(w[1] * a.group);
  p.groups = static_cast<int32_t>(a.group);
  to_spatial3(g.in, 1, p.in_size);
  to_spatial3(g.out, 1, p.out_size);
  to_spatial3(g.kernel, 1, p.kernel);
  to_spatial3(g.stride, 1, p.stride);
  to_spatial3(g.dilation, 1, p.dilation);
  to_spatial3(g.pad_begin, 0, p.pad_begin);
  int64_t plane = 1;
  for (int64_t d : g.out) plane *= d;
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    KernelCall call = bind_kernel("mote/conv.h", "mote::conv_transpose<" + cpp_type<T>() + ">", "mote::ConvParams", p,
                                  &mote::conv_transpose<T>,
                                  {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::output(0),
                                   KernelArg::scratch(0)});
    call.scratch_bytes = {plane * static_cast<int64_t>(sizeof(acc_t<T>))};
    return call;
  })};
}

// A per-output-channel affine map after the op folds into its weights and bias: the weights
// are [C, M/group, k...] and output channel m = g * (M/group) + j takes w[c][j] for the input
// channels c of group g, so every such weight is scaled by s[m].
bool absorb_channel_affine(Graph& graph, Node& node, const ChannelAffine& affine) {
  Value* weights = node.inputs[1];
  Value* bias = node.input(2);
  if (!weights->is_constant() || weights->dtype != DType::Float32 || (bias && (!bias->is_constant() || bias->dtype != DType::Float32)))
    return false;
  const int64_t groups = node.attrs_as<ConvTransposeAttrs>().group, in_channels = weights->shape[0];
  const int64_t per_group_out = weights->shape[1], out_channels = per_group_out * groups;
  const int64_t taps = weights->shape.numel() / std::max<int64_t>(in_channels * per_group_out, 1);
  auto at = [](const std::vector<double>& v, int64_t c) { return v.size() == 1 ? v[0] : v[static_cast<size_t>(c)]; };
  Tensor new_weights(DType::Float32, weights->shape), new_bias(DType::Float32, Shape{out_channels});
  const float* w = weights->constant->data<float>();
  for (int64_t c = 0; c < in_channels; ++c)
    for (int64_t j = 0; j < per_group_out; ++j) {
      const double s = at(affine.scale, c / (in_channels / groups) * per_group_out + j);
      for (int64_t t = 0; t < taps; ++t) {
        const int64_t index = (c * per_group_out + j) * taps + t;
        new_weights.data<float>()[index] = static_cast<float>(static_cast<double>(w[index]) * s);
      }
    }
  for (int64_t m = 0; m < out_channels; ++m) {
    const double b = bias ? static_cast<double>(bias->constant->data<float>()[m]) : 0.0;
    new_bias.data<float>()[m] = static_cast<float>(b * at(affine.scale, m) + at(affine.shift, m));
  }
  node.inputs[1] = graph.add_constant(weights->name + "_folded", std::make_shared<const Tensor>(std::move(new_weights)));
  node.inputs.resize(3, nullptr);
  node.inputs[2] = graph.add_constant(bias ? bias->name + "_folded" : node.label() + "_bias",
                                      std::make_shared<const Tensor>(std::move(new_bias)));
  return true;
}

// Each input element scatters into M/group x kernel outputs, one MAC each.
int64_t conv_transpose_macs(const Node& node) {
  const Shape& w = node.inputs[1]->shape;  // [C, M/group, k...]
  return node.inputs[0]->shape.numel() * (w.numel() / w[0]);
}

}  // namespace

extern const OpDef kConvTranspose = {"", "ConvTranspose", make_attrs<ConvTransposeAttrs>, infer, lower,
                                      {false, false, false, true}, nullptr, nullptr, absorb_channel_affine, nullptr, nullptr,
                                      nullptr, nullptr, nullptr, conv_transpose_macs};

}  // namespace mote::ops
