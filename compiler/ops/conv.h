// Conv and ConvTranspose attributes (used by the fusion passes too).
#pragma once

#include "compiler/ir/shape.h"
#include "compiler/ops/spatial.h"
#include "mote/conv.h"

namespace mote::ops {

struct ConvAttrs : AttrsOf<ConvAttrs> {
  AutoPad auto_pad = AutoPad::NotSet;
  std::vector<int64_t> dilations, kernel_shape, pads, strides;
  int64_t group = 1;
  template <class V>
  void fields(V& v) {
    v("auto_pad", auto_pad);
    v("dilations", dilations);
    v("group", group);
    v("kernel_shape", kernel_shape);
    v("pads", pads);
    v("strides", strides);
  }
};

struct ConvTransposeAttrs : AttrsOf<ConvTransposeAttrs> {
  AutoPad auto_pad = AutoPad::NotSet;
  std::vector<int64_t> dilations, kernel_shape, output_padding, output_shape, pads, strides;
  int64_t group = 1;
  template <class V>
  void fields(V& v) {
    v("auto_pad", auto_pad);
    v("dilations", dilations);
    v("group", group);
    v("kernel_shape", kernel_shape);
    v("output_padding", output_padding);
    v("output_shape", output_shape);
    v("pads", pads);
    v("strides", strides);
  }
};

// Output shape and runtime-min parameters of a convolution (Conv, ConvInteger, QLinearConv
// and the fused integer convolutions share them). Returns "" or what is wrong.
std::string plan_convolution(const ConvAttrs& a, const Shape& x, const Shape& w, Shape& out, ConvParams& params);

// Convolutions with kernels that may overwrite their input (the planner decides whether they
// do): depthwise ones whose output plane is no larger than the input plane, and 1x1 ones
// (stride 1, no padding) for one image or that do not widen the channels.
enum class InPlaceConv { None, Depthwise, Pointwise };
InPlaceConv in_place_form(const ConvParams& p);

}  // namespace mote::ops
