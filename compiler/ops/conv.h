// Conv and ConvTranspose attributes (used by the fusion passes too).
#pragma once

#include "compiler/ops/spatial.h"

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

}  // namespace mote::ops
