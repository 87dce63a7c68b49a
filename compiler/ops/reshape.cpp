// Ops that only change the shape, not the bytes: Reshape, Flatten, Squeeze, Unsqueeze.
// They lower to a copy the memory planner can turn into a view.
#include <set>

#include "compiler/ops/common_attrs.h"
#include "compiler/ops/elementwise_calls.h"
#include "compiler/ops/op_def.h"

namespace mote::ops {
namespace {

constexpr OpTraits kView{false, true, false, false, true};

std::vector<KernelCall> lower_view(LowerContext& c) {
  return {copy_input_kernel(c.input(0).dtype, c.input(0).shape.numel())};
}

struct ReshapeAttrs : AttrsOf<ReshapeAttrs> {
  int64_t allowzero = 0;
  std::optional<std::vector<int64_t>> shape;            // opset < 5
  std::optional<std::vector<int64_t>> consumed_inputs;  // opset 1 hint
  template <class V>
  void fields(V& v) {
    v("allowzero", allowzero);
    v("shape", shape);
    v("consumed_inputs", consumed_inputs);
  }
};

void infer_reshape(InferContext& c) {
  const auto& a = c.attrs<ReshapeAttrs>();
  std::vector<int64_t> requested;
  if (c.opset() < 5) {
    c.require_inputs(1, 1);
    if (!a.shape) c.invalid("attribute 'shape' is required before opset 5");
    requested = *a.shape;
  } else {
    c.require_inputs(2, 2);
    c.require_dtype(1, DTypeSet{DType::Int64});
    requested = c.constant_input(1, "shape").to_int64_vector();
  }
  const Shape& in = c.shape(0);
  std::vector<int64_t> dims = requested;
  int infer_at = -1;
  int64_t known = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0 && !a.allowzero) {
      if (static_cast<int>(i) >= in.rank()) c.invalid("shape has 0 at position " + std::to_string(i) + " beyond the input rank");
      dims[i] = in[static_cast<int>(i)];
    }
    if (dims[i] == -1) {
      if (infer_at >= 0) c.invalid("shape has more than one -1");
      infer_at = static_cast<int>(i);
    } else if (dims[i] < 0) {
      c.invalid("shape has a negative dimension " + std::to_string(dims[i]));
    } else {
      known = checked_mul(known, dims[i]);  // the shape comes from data: it may overflow
    }
  }
  const int64_t total = in.numel();
  if (infer_at >= 0) {
    if (known == 0 || total % known != 0)
      c.invalid("cannot reshape " + in.to_string() + " to " + Shape(requested).to_string());
    dims[static_cast<size_t>(infer_at)] = total / known;
  }
  Shape out(dims);
  if (out.numel() != total) c.invalid("cannot reshape " + in.to_string() + " (" + std::to_string(total) + " elements) to " + out.to_string());
  c.set_output(0, c.dtype(0), out);
}

void infer_flatten(InferContext& c) {
  c.require_inputs(1, 1);
  const Shape& in = c.shape(0);
  int64_t axis = c.attrs<AxisAttrs<1>>().axis;
  if (axis < 0) axis += in.rank();
  if (axis < 0 || axis > in.rank()) c.invalid("axis out of range for rank " + std::to_string(in.rank()));
  const int a = static_cast<int>(axis);
  c.set_output(0, c.dtype(0), Shape{in.numel(0, a), in.numel(a, in.rank())});
}

struct AxesAttrs : AttrsOf<AxesAttrs> {
  std::optional<std::vector<int64_t>> axes;  // an input from opset 13
  template <class V>
  void fields(V& v) {
    v("axes", axes);
  }
};

// Axes from the attribute (before opset 13) or the optional input 1.
std::optional<std::vector<int64_t>> axes_of(InferContext& c) {
  if (c.opset() < 13) return c.attrs<AxesAttrs>().axes;
  if (!c.has_input(1)) return std::nullopt;
  return c.constant_input(1, "axes").to_int64_vector();
}

void infer_squeeze(InferContext& c) {
  c.require_inputs(1, 2);
  const Shape& in = c.shape(0);
  std::optional<std::vector<int64_t>> axes = axes_of(c);
  std::set<int64_t> drop;
  if (axes) {
    for (int64_t axis : *axes) {
      int64_t a = c.axis(axis, in.rank(), "axes entry");
      if (in[static_cast<int>(a)] != 1) c.invalid("cannot squeeze axis " + std::to_string(axis) + " of size " + std::to_string(in[static_cast<int>(a)]));
      drop.insert(a);
    }
  } else {
    for (int i = 0; i < in.rank(); ++i)
      if (in[i] == 1) drop.insert(i);
  }
  std::vector<int64_t> dims;
  for (int i = 0; i < in.rank(); ++i)
    if (!drop.count(i)) dims.push_back(in[i]);
  c.set_output(0, c.dtype(0), Shape(dims));
}

void infer_unsqueeze(InferContext& c) {
  c.require_inputs(1, 2);
  const Shape& in = c.shape(0);
  std::optional<std::vector<int64_t>> axes = axes_of(c);
  if (!axes) c.invalid("axes are required");
  const int rank = in.rank() + static_cast<int>(axes->size());
  std::set<int64_t> insert;
  for (int64_t axis : *axes)
    if (!insert.insert(c.axis(axis, rank, "axes entry")).second) c.invalid("axes repeat " + std::to_string(axis));
  std::vector<int64_t> dims;
  int from = 0;
  for (int i = 0; i < rank; ++i) dims.push_back(insert.count(i) ? 1 : in[from++]);
  c.set_output(0, c.dtype(0), Shape(dims));
}

}  // namespace

extern const OpDef kReshape = {"", "Reshape", make_attrs<ReshapeAttrs>, infer_reshape, lower_view, kView};
extern const OpDef kFlatten = {"", "Flatten", make_attrs<AxisAttrs<1>>, infer_flatten, lower_view, kView};
extern const OpDef kSqueeze = {"", "Squeeze", make_attrs<AxesAttrs>, infer_squeeze, lower_view, kView};
extern const OpDef kUnsqueeze = {"", "Unsqueeze", make_attrs<AxesAttrs>, infer_unsqueeze, lower_view, kView};

}  // namespace mote::ops
