// Window geometry shared by convolutions and pooling: kernel, strides, dilations, explicit or
// automatic padding, and the output size they give.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/attrs.h"

namespace mote {

enum class AutoPad { NotSet, SameUpper, SameLower, Valid };
MOTE_ENUM_NAMES(AutoPad, "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")

struct WindowSpec {
  std::vector<int64_t> kernel;
  std::vector<int64_t> strides;    // empty: all 1
  std::vector<int64_t> dilations;  // empty: all 1
  std::vector<int64_t> pads;       // empty: all 0; else begins then ends
  AutoPad auto_pad = AutoPad::NotSet;
  bool ceil_mode = false;
};

struct WindowGeometry {
  std::vector<int64_t> in, out, kernel, stride, dilation, pad_begin, pad_end;
};

// Output size per spatial dim for a sliding window (Conv, pooling). Returns an error message,
// or "" with `geometry` filled.
std::string window_geometry(const std::vector<int64_t>& in, const WindowSpec& spec, WindowGeometry& geometry);

// The spatial part of a Pad's amounts [begin per axis..., end per axis...] on an N, C,
// spatial... tensor of `rank`, as [spatial begins..., spatial ends...] (an op's "pads"
// attribute); false when the Pad pads the batch or channel axes, crops (a negative amount), or
// does not give 2 x rank amounts. fold_padding's absorb_input_padding hooks use it.
bool spatial_padding(const std::vector<int64_t>& pads, int rank, std::vector<int64_t>& spatial);

// Right-aligns up to 3 spatial values into a 3-array (leading entries `fill`), the layout of
// runtime-min's ConvParams / PoolParams.
void to_spatial3(const std::vector<int64_t>& values, int64_t fill, int32_t (&out)[3]);

}  // namespace mote
