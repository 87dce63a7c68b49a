// Tile and Expand: repetition as a strided copy whose input strides are 0 along repeats.
#include "compiler/ops/op_def.h"
#include "compiler/ops/strided_copy.h"

namespace mote::ops {
namespace {

void infer_tile(InferContext& c) {
  c.require_inputs(2, 2);
  c.require_outputs(1, 1);
  std::vector<int64_t> repeats = c.constant_input(1, "repeats").to_int64_vector();
  const Shape& in = c.shape(0);
  if (static_cast<int>(repeats.size()) != in.rank()) c.invalid("repeats has " + std::to_string(repeats.size()) + " values for rank " + std::to_string(in.rank()));
  std::vector<int64_t> dims;
  for (int d = 0; d < in.rank(); ++d) {
    if (repeats[static_cast<size_t>(d)] < 0) c.invalid("negative repeat");
    dims.push_back(checked_mul(in[d], repeats[static_cast<size_t>(d)]));  // repeats come from data
  }
  c.set_output(0, c.dtype(0), Shape(dims));
}

std::vector<KernelCall> lower_tile(LowerContext& c) {
  std::vector<int64_t> repeats = c.constant_input(1).to_int64_vector();
  const Shape& in = c.input(0).shape;
  const Shape& out = c.output(0).shape;
  std::vector<int64_t> in_strides = row_major_strides(in.dims()), out_strides = row_major_strides(out.dims());
  // Output dim d of size r*n viewed as [r, n]: the r part re-reads the input (stride 0).
  StridedCopy copy;
  for (int d = 0; d < in.rank(); ++d) {
    const int64_t r = repeats[static_cast<size_t>(d)], n = in[d];
    const size_t u = static_cast<size_t>(d);
    if (r != 1) {
      copy.dims.push_back(r);
      copy.in_strides.push_back(0);
      copy.out_strides.push_back(n * out_strides[u]);
    }
    copy.dims.push_back(n);
    copy.in_strides.push_back(in_strides[u]);
    copy.out_strides.push_back(out_strides[u]);
  }
  if (copy.dims.empty()) copy = contiguous_copy({1});
  return {strided_copy_kernel(c.input(0).dtype, copy, KernelArg::input(0), KernelArg::output(0))};
}

void infer_expand(InferContext& c) {
  c.require_inputs(2, 2);
  c.require_outputs(1, 1);
  c.require_dtype(1, DTypeSet{DType::Int64});
  Shape requested(c.constant_input(1, "shape").to_int64_vector());
  Shape out;
  if (!broadcast_shapes(c.shape(0), requested, out))
    c.invalid("cannot expand shape " + c.shape(0).to_string() + " to " + requested.to_string());
  c.set_output(0, c.dtype(0), out);
}

std::vector<KernelCall> lower_expand(LowerContext& c) {
  const Shape& in = c.input(0).shape;
  const Shape& out = c.output(0).shape;
  std::vector<int64_t> in_strides = row_major_strides(in.dims());
  StridedCopy copy = contiguous_copy(out.dims());
  for (int d = 0; d < out.rank(); ++d) {
    const int sd = d - (out.rank() - in.rank());
    copy.in_strides[static_cast<size_t>(d)] = sd < 0 || in[sd] == 1 ? 0 : in_strides[static_cast<size_t>(sd)];
  }
  return {strided_copy_kernel(c.input(0).dtype, copy, KernelArg::input(0), KernelArg::output(0))};
}

}  // namespace

extern const OpDef kTile = {"", "Tile", make_attrs<NoAttrs>, infer_tile, lower_tile, {}};
extern const OpDef kExpand = {"", "Expand", make_attrs<NoAttrs>, infer_expand, lower_expand, {}};

}  // namespace mote::ops
