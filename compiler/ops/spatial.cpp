#include "compiler/ops/spatial.h"

namespace mote {

std::string window_geometry(const std::vector<int64_t>& in, const WindowSpec& spec, WindowGeometry& g) {
  const size_t rank = in.size();
  auto list = [&](const std::vector<int64_t>& v, int64_t fill, const char* name, size_t size, std::string& error) {
    if (v.empty()) return std::vector<int64_t>(size, fill);
    if (v.size() != size) error = std::string(name) + " has " + std::to_string(v.size()) + " values, expected " + std::to_string(size);
    return v;
  };
  std::string error;
  g.in = in;
  g.kernel = list(spec.kernel, 1, "kernel_shape", rank, error);
  g.stride = list(spec.strides, 1, "strides", rank, error);
  g.dilation = list(spec.dilations, 1, "dilations", rank, error);
  std::vector<int64_t> pads = list(spec.pads, 0, "pads", 2 * rank, error);
  if (!error.empty()) return error;
  g.out.assign(rank, 0);
  g.pad_begin.assign(rank, 0);
  g.pad_end.assign(rank, 0);
  for (size_t i = 0; i < rank; ++i) {
    if (g.kernel[i] < 1 || g.stride[i] < 1 || g.dilation[i] < 1)
      return "kernel_shape, strides and dilations must be positive";
    if (pads[i] < 0 || pads[i + rank] < 0) return "negative pads are not supported";
    const int64_t extent = (g.kernel[i] - 1) * g.dilation[i] + 1;
    switch (spec.auto_pad) {
      case AutoPad::NotSet: {
        g.pad_begin[i] = pads[i];
        g.pad_end[i] = pads[i + rank];
        const int64_t span = in[i] + g.pad_begin[i] + g.pad_end[i] - extent;
        if (span < 0) return "the window (extent " + std::to_string(extent) + ") is larger than the padded input (" +
                             std::to_string(in[i] + g.pad_begin[i] + g.pad_end[i]) + ")";
        g.out[i] = (spec.ceil_mode ? (span + g.stride[i] - 1) / g.stride[i] : span / g.stride[i]) + 1;
        // With ceil_mode, a last window starting in the end padding is dropped.
        if (spec.ceil_mode && (g.out[i] - 1) * g.stride[i] >= in[i] + g.pad_begin[i]) --g.out[i];
        break;
      }
      case AutoPad::Valid:
        if (in[i] < extent) return "the window is larger than the input";
        g.out[i] = (in[i] - extent) / g.stride[i] + 1;
        break;
      case AutoPad::SameUpper:
      case AutoPad::SameLower: {
        g.out[i] = (in[i] + g.stride[i] - 1) / g.stride[i];
        const int64_t total = std::max<int64_t>(0, (g.out[i] - 1) * g.stride[i] + extent - in[i]);
        g.pad_begin[i] = spec.auto_pad == AutoPad::SameUpper ? total / 2 : total - total / 2;
        g.pad_end[i] = total - g.pad_begin[i];
        break;
      }
    }
  }
  return {};
}

bool spatial_padding(const std::vector<int64_t>& pads, int rank, std::vector<int64_t>& spatial) {
  if (rank < 2 || static_cast<int>(pads.size()) != 2 * rank) return false;
  for (int d = 0; d < rank; ++d) {
    const int64_t begin = pads[static_cast<size_t>(d)], end = pads[static_cast<size_t>(d + rank)];
    if (begin < 0 || end < 0 || (d < 2 && (begin != 0 || end != 0))) return false;
  }
  spatial.clear();
  for (int d = 2; d < rank; ++d) spatial.push_back(pads[static_cast<size_t>(d)]);
  for (int d = 2; d < rank; ++d) spatial.push_back(pads[static_cast<size_t>(d + rank)]);
  return true;
}

void to_spatial3(const std::vector<int64_t>& values, int64_t fill, int32_t (&out)[3]) {
  for (int i = 0; i < 3; ++i) out[i] = static_cast<int32_t>(fill);
  const size_t n = values.size();
  for (size_t i = 0; i < n && i < 3; ++i) out[3 - n + i] = static_cast<int32_t>(values[i]);
}

}  // namespace mote
