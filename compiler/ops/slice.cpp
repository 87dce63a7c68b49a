// Slice with numpy semantics (negative indices, clamping, negative steps).
#include "compiler/ops/op_def.h"
#include "compiler/ops/strided_copy.h"

namespace mote::ops {
namespace {

struct SliceAttrs : AttrsOf<SliceAttrs> {  // attributes before opset 10, inputs after
  std::optional<std::vector<int64_t>> starts, ends, axes;
  template <class V>
  void fields(V& v) {
    v("starts", starts);
    v("ends", ends);
    v("axes", axes);
  }
};

struct Window {
  std::vector<int64_t> start, step, size;  // per input dim
};

template <class Context>
Window window(Context& c) {
  const Shape& in = c.shape(0);
  std::vector<int64_t> starts, ends, axes, steps;
  if (c.opset() < 10) {
    const auto& a = c.template attrs<SliceAttrs>();
    if (!a.starts || !a.ends) c.invalid("starts and ends are required");
    starts = *a.starts;
    ends = *a.ends;
    if (a.axes) axes = *a.axes;
  } else {
    c.require_inputs(3, 5);
    starts = c.constant_input(1, "starts").to_int64_vector();
    ends = c.constant_input(2, "ends").to_int64_vector();
    if (c.has_input(3)) axes = c.constant_input(3, "axes").to_int64_vector();
    if (c.has_input(4)) steps = c.constant_input(4, "steps").to_int64_vector();
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    c.invalid("starts, ends, axes and steps must have the same length");
  Window w;
  w.start.assign(static_cast<size_t>(in.rank()), 0);
  w.step.assign(static_cast<size_t>(in.rank()), 1);
  w.size = in.dims();
  std::vector<bool> seen(static_cast<size_t>(in.rank()), false);
  for (size_t i = 0; i < starts.size(); ++i) {
    const size_t axis = static_cast<size_t>(c.axis(axes[i], in.rank(), "axes entry"));
    if (seen[axis]) c.invalid("axes repeat " + std::to_string(axes[i]));
    seen[axis] = true;
    const int64_t dim = in[static_cast<int>(axis)], step = steps[i];
    if (step == 0) c.invalid("steps must not be 0");
    int64_t start = starts[i], end = ends[i];
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
    }
    const int64_t span = step > 0 ? end - start : start - end;
    const int64_t magnitude = step > 0 ? step : -step;
    w.start[axis] = start;
    w.step[axis] = step;
    w.size[axis] = span <= 0 ? 0 : (span + magnitude - 1) / magnitude;
  }
  return w;
}

void infer(InferContext& c) {
  c.require_outputs(1, 1);
  Window w = window(c);
  c.set_output(0, c.dtype(0), Shape(w.size));
}

std::vector<KernelCall> lower(LowerContext& lc) {
  Window w = window(lc);
  const Shape& in = lc.input(0).shape;
  std::vector<int64_t> in_strides = row_major_strides(in.dims());
  StridedCopy copy = contiguous_copy(w.size);
  copy.in_offset = 0;
  for (int d = 0; d < in.rank(); ++d) {
    copy.in_offset += w.start[static_cast<size_t>(d)] * in_strides[static_cast<size_t>(d)];
    copy.in_strides[static_cast<size_t>(d)] = in_strides[static_cast<size_t>(d)] * w.step[static_cast<size_t>(d)];
  }
  return {strided_copy_kernel(lc.input(0).dtype, copy, KernelArg::input(0), KernelArg::output(0))};
}

}  // namespace

extern const OpDef kSlice = {"", "Slice", make_attrs<SliceAttrs>, infer, lower, {false, false, false, false, true}};

}  // namespace mote::ops
