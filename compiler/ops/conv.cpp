// Conv: 1-D to 3-D, groups (depthwise included), dilations, explicit or automatic padding.
#include "compiler/ops/conv.h"

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/qdq.h"

namespace mote::ops {

extern const OpDef kQLinearConv;
std::string plan_convolution(const ConvAttrs& a, const Shape& x, const Shape& w, Shape& out, ConvParams& p) {
  if (x.rank() < 3 || x.rank() > 5) return "input must have rank 3 to 5 (1 to 3 spatial dims), not " + x.to_string();
  if (w.rank() != x.rank()) return "weights " + w.to_string() + " and input " + x.to_string() + " differ in rank";
  if (a.group < 1 || x[1] % a.group != 0 || w[0] % a.group != 0)
    return "group " + std::to_string(a.group) + " must divide the input channels (" + std::to_string(x[1]) +
           ") and output channels (" + std::to_string(w[0]) + ")";
  if (w[1] * a.group != x[1])
    return "weights expect " + std::to_string(w[1] * a.group) + " input channels, the input has " + std::to_string(x[1]);
  if (!a.kernel_shape.empty() && a.kernel_shape != std::vector<int64_t>(w.dims().begin() + 2, w.dims().end()))
    return "kernel_shape disagrees with the weight shape " + w.to_string();
  WindowSpec spec{a.kernel_shape, a.strides, a.dilations, a.pads, a.auto_pad, false};
  if (spec.kernel.empty()) spec.kernel.assign(w.dims().begin() + 2, w.dims().end());
  WindowGeometry g;
  std::string error = window_geometry(std::vector<int64_t>(x.dims().begin() + 2, x.dims().end()), spec, g);
  if (!error.empty()) return error;
  std::vector<int64_t> dims{x[0], w[0]};
  dims.insert(dims.end(), g.out.begin(), g.out.end());
  out = Shape(dims);
  p = ConvParams{};
  p.batch = static_cast<int32_t>(x[0]);
  p.in_channels = static_cast<int32_t>(x[1]);
  p.out_channels = static_cast<int32_t>(w[0]);
  p.groups = static_cast<int32_t>(a.group);
  to_spatial3(g.in, 1, p.in_size);
  to_spatial3(g.out, 1, p.out_size);
  to_spatial3(g.kernel, 1, p.kernel);
  to_spatial3(g.stride, 1, p.stride);
  to_spatial3(g.dilation, 1, p.dilation);
  to_spatial3(g.pad_begin, 0, p.pad_begin);
  return {};
}

namespace {

bool all_equal(const int32_t (&values)[3], int32_t expected) {
  return values[0] == expected && values[1] == expected && values[2] == expected;
}

}  // namespace

InPlaceConv in_place_form(const ConvParams& p) {
  const int64_t in_plane = int64_t{p.in_size[0]} * p.in_size[1] * p.in_size[2];
  const int64_t out_plane = int64_t{p.out_size[0]} * p.out_size[1] * p.out_size[2];
  if (p.groups == p.in_channels && p.out_channels == p.in_channels && out_plane <= in_plane) return InPlaceConv::Depthwise;
  if (p.groups == 1 && all_equal(p.kernel, 1) && all_equal(p.stride, 1) && all_equal(p.pad_begin, 0) && out_plane == in_plane &&
      (p.batch == 1 || p.out_channels <= p.in_channels))
    return InPlaceConv::Pointwise;
  return InPlaceConv::None;
}

namespace {

void infer(InferContext& c) {
  c.require_inputs(2, 3);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<FloatTypes>());
  c.require_same_dtype(0, 1);
  Shape out;
  ConvParams p;
  std::string error = plan_convolution(c.attrs<ConvAttrs>(), c.shape(0), c.shape(1), out, p);
  if (!error.empty()) c.invalid(error);
  if (c.has_input(2)) {
    c.require_same_dtype(0, 2);
    if (c.shape(2) != Shape{c.shape(1)[0]}) c.invalid("bias shape " + c.shape(2).to_string() + " should be [" + std::to_string(c.shape(1)[0]) + "]");
  }
  c.set_output(0, c.dtype(0), out);
}

// Depthwise and 1x1 convolutions get kernels that can overwrite their input (the planner
// decides whether they do); the others the general loop nest.
std::vector<KernelCall> lower(LowerContext& c) {
  Shape out;
  ConvParams p;
  plan_convolution(c.attrs<ConvAttrs>(), c.input(0).shape, c.input(1).shape, out, p);
  p.activation = activation_params(c.node());
  const InPlaceConv form = in_place_form(p);
  const bool depthwise = form == InPlaceConv::Depthwise, pointwise = form == InPlaceConv::Pointwise;
  const std::vector<KernelArg> args{KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::output(0)};
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (!depthwise && !pointwise)
      return bind_kernel("mote/conv.h", "mote::conv<" + cpp_type<T>() + ">", "mote::ConvParams", p, &mote::conv<T>, args);
    std::vector<KernelArg> with_scratch = args;
    with_scratch.push_back(KernelArg::scratch(0));
    KernelCall call = depthwise ? bind_kernel("mote/conv.h", "mote::depthwise_conv_in_place<" + cpp_type<T>() + ">", "mote::ConvParams",
                                              p, &mote::depthwise_conv_in_place<T>, with_scratch)
                                : bind_kernel("mote/conv.h", "mote::pointwise_conv_in_place<" + cpp_type<T>() + ">", "mote::ConvParams",
                                              p, &mote::pointwise_conv_in_place<T>, with_scratch);
    call.scratch_bytes = {depthwise ? mote::depthwise_padded_plane(p) * static_cast<int64_t>(sizeof(T))
                                    : 2 * int64_t{p.in_channels} * static_cast<int64_t>(sizeof(acc_t<T>))};
    call.in_place = {{0, 0}};
    return call;
  })};
}

// Output channel m is W[m] * x + b[m]: scaling W[m] and b[m] by s[m] and adding t[m] to b[m]
// applies the affine map.
bool absorb_channel_affine(Graph& graph, Node& node, const ChannelAffine& affine) {
  Value* weights = node.inputs[1];
  Value* bias = node.input(2);
  if (!weights->is_constant() || weights->dtype != DType::Float32 || (bias && (!bias->is_constant() || bias->dtype != DType::Float32)))
    return false;
  const int64_t channels = weights->shape[0], per_channel = weights->shape.numel() / std::max<int64_t>(channels, 1);
  auto at = [](const std::vector<double>& v, int64_t c) { return v.size() == 1 ? v[0] : v[static_cast<size_t>(c)]; };
  Tensor new_weights(DType::Float32, weights->shape), new_bias(DType::Float32, Shape{channels});
  const float* w = weights->constant->data<float>();
  for (int64_t m = 0; m < channels; ++m) {
    const double s = at(affine.scale, m);
    for (int64_t i = 0; i < per_channel; ++i)
      new_weights.data<float>()[m * per_channel + i] = static_cast<float>(static_cast<double>(w[m * per_channel + i]) * s);
    const double b = bias ? static_cast<double>(bias->constant->data<float>()[m]) : 0.0;
    new_bias.data<float>()[m] = static_cast<float>(b * s + at(affine.shift, m));
  }
  node.inputs[1] = graph.add_constant(weights->name + "_folded", std::make_shared<const Tensor>(std::move(new_weights)));
  node.inputs.resize(3, nullptr);
  node.inputs[2] = graph.add_constant(bias ? bias->name + "_folded" : node.label() + "_bias",
                                      std::make_shared<const Tensor>(std::move(new_bias)));
  return true;
}

// Zero padding of the spatial axes only, with explicit pads (auto_pad would recompute them).
bool absorb_input_padding(Node& node, const std::vector<int64_t>& pads, double value) {
  auto& a = node.attrs_as<ConvAttrs>();
  std::vector<int64_t> spatial;
  if (value != 0.0 || a.auto_pad != AutoPad::NotSet || !spatial_padding(pads, node.inputs[0]->shape.rank(), spatial)) return false;
  if (a.pads.empty()) a.pads.assign(spatial.size(), 0);
  for (size_t i = 0; i < spatial.size(); ++i) a.pads[i] += spatial[i];
  return true;
}

// Conv on a dequantized 8-bit (or int16) input and constant 8-bit weights (per tensor or per
// output channel) becomes QLinearConv, with the bias requantized to int32 when it is not already.
Node* quantized_form(Graph& graph, const Node& node, const QdqPattern& pattern, const Node* before) {
  const auto& x = pattern.inputs[0];
  const auto& w = pattern.inputs[1];
  if (!per_tensor_activation(x) || !constant_8bit_weights(w, 0) || !per_tensor_activation(pattern.output) ||
      !integer_kernel_types(*x, *w, pattern.output))
    return nullptr;
  Value* bias = nullptr;
  if (node.has_input(2) && !(bias = quantized_bias(graph, node, 2, pattern, *x, *w, w->integer->shape[0]))) return nullptr;
  Node* q = graph.add_node(&kQLinearConv, node.name, node.attrs->clone(),
                           {x->integer, x->scale, zero_point_or_zero(graph, *x), w->integer, w->scale, zero_point_or_zero(graph, *w),
                            pattern.output.scale, zero_point_or_zero(graph, pattern.output), bias},
                           {pattern.output.integer}, 10, before);
  q->activation = pattern.activation;
  return q;
}

// Weights [M, C / group, kernel...].
bool channel_weights(const Node& node, ChannelWeights& weights) {
  weights = ChannelWeights{1, 0, 1, node.attrs_as<ConvAttrs>().group, 1};
  return true;
}

// One patch per output pixel and group: the group's input channels under the window, in the
// weights' [C / group, kernel...] order.
bool weight_inputs(const Node& node, WeightInputs& inputs) {
  Shape out;
  ConvParams p;
  if (!plan_convolution(node.attrs_as<ConvAttrs>(), node.inputs[0]->shape, node.inputs[1]->shape, out, p).empty()) return false;
  const int64_t group_channels = p.in_channels / p.groups, taps = int64_t{p.kernel[0]} * p.kernel[1] * p.kernel[2];
  inputs.positions = int64_t{p.batch} * p.out_size[0] * p.out_size[1] * p.out_size[2];
  inputs.groups = p.groups;
  inputs.size = group_channels * taps;
  inputs.gather = [p, group_channels](const float* input, int64_t position, int64_t group, double* patch) {
    int64_t rest = position;
    int32_t o[3];
    for (int a = 2; a >= 0; --a) o[a] = static_cast<int32_t>(rest % p.out_size[a]), rest /= p.out_size[a];
    const int64_t plane = int64_t{p.in_size[0]} * p.in_size[1] * p.in_size[2];
    const float* channel = input + (rest * p.in_channels + group * group_channels) * plane;
    for (int64_t c = 0; c < group_channels; ++c, channel += plane)
      for (int32_t kd = 0; kd < p.kernel[0]; ++kd)
        for (int32_t kh = 0; kh < p.kernel[1]; ++kh)
          for (int32_t kw = 0; kw < p.kernel[2]; ++kw) {
            const int32_t at[3] = {o[0] * p.stride[0] - p.pad_begin[0] + kd * p.dilation[0], o[1] * p.stride[1] - p.pad_begin[1] + kh * p.dilation[1],
                                   o[2] * p.stride[2] - p.pad_begin[2] + kw * p.dilation[2]};
            bool inside = true;
            for (int a = 0; a < 3; ++a) inside = inside && at[a] >= 0 && at[a] < p.in_size[a];
            *patch++ = inside ? channel[(int64_t{at[0]} * p.in_size[1] + at[1]) * p.in_size[2] + at[2]] : 0.0;
          }
  };
  return true;
}

}  // namespace

extern const OpDef kConv = {"", "Conv", make_attrs<ConvAttrs>, infer, lower, {false, false, false, true}, nullptr,
                            nullptr, absorb_channel_affine, nullptr, absorb_input_padding, nullptr, nullptr,
                            quantized_form, [](const Node& node) { return convolution_macs(node, 1); }, nullptr, nullptr,
                            channel_weights, weight_inputs};

}  // namespace mote::ops
