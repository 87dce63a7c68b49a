// GatherElements, Scatter / ScatterElements (element-wise indices along an axis) and
// GatherND / ScatterND (index tuples addressing slices).
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/strided_copy.h"
#include "mote/indexing.h"

namespace mote::ops {
namespace {

enum class Reduction { None, Add, Mul, Max, Min };
MOTE_ENUM_NAMES(Reduction, "none", "add", "mul", "max", "min")

struct ElementsAttrs : AttrsOf<ElementsAttrs> {
  int64_t axis = 0;
  Reduction reduction = Reduction::None;  // ScatterElements, opset 16
  template <class V>
  void fields(V& v) {
    v("axis", axis);
    v("reduction", reduction);
  }
};

IndexParams element_params(const Shape& data, const Shape& indices, int64_t axis, Reduction reduction) {
  IndexParams p{};
  p.count = static_cast<int32_t>(indices.numel());
  p.rank = data.rank();
  p.axis = static_cast<int32_t>(axis < 0 ? axis + data.rank() : axis);
  p.reduction = static_cast<int32_t>(reduction);
  p.data_count = static_cast<int32_t>(data.numel());
  std::vector<int64_t> strides = row_major_strides(data.dims());
  for (int d = 0; d < data.rank(); ++d) {
    p.dims[d] = static_cast<int32_t>(indices[d]);
    p.data_dims[d] = static_cast<int32_t>(data[d]);
    p.data_strides[d] = static_cast<int32_t>(strides[static_cast<size_t>(d)]);
  }
  return p;
}

void check_element_indices(InferContext& c, size_t indices, int64_t axis) {
  c.require_dtype(indices, dtype_set<IndexTypes>());
  if (c.rank(indices) != c.rank(0)) c.invalid("indices must have the rank of the data");
  if (const Tensor* t = c.known_input(indices)) {
    const int64_t size = c.shape(0)[static_cast<int>(axis)];
    for (int64_t i = 0; i < t->numel(); ++i)
      if (t->as_int64(i) < -size || t->as_int64(i) >= size) c.invalid("index " + std::to_string(t->as_int64(i)) + " out of range");
  }
}

void infer_gather_elements(InferContext& c) {
  c.require_inputs(2, 2);
  const int64_t axis = c.axis(c.attrs<ElementsAttrs>().axis, c.rank(0));
  check_element_indices(c, 1, axis);
  c.set_output(0, c.dtype(0), c.shape(1));
}

std::vector<KernelCall> lower_gather_elements(LowerContext& c) {
  const auto& a = c.attrs<ElementsAttrs>();
  IndexParams p = element_params(c.input(0).shape, c.input(1).shape, a.axis, Reduction::None);
  return {dispatch_in<AllTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return dispatch_in<IndexTypes>(c.input(1).dtype, [&](auto itag) {
      using I = typename decltype(itag)::type;
      return bind_kernel("mote/indexing.h", "mote::gather_elements<" + cpp_type<T>() + ", " + cpp_type<I>() + ">",
                         "mote::IndexParams", p, &mote::gather_elements<T, I>,
                         {KernelArg::input(0), KernelArg::input(1), KernelArg::output(0)});
    });
  })};
}

void infer_scatter_elements(InferContext& c) {
  c.require_inputs(3, 3);
  const int64_t axis = c.axis(c.attrs<ElementsAttrs>().axis, c.rank(0));
  check_element_indices(c, 1, axis);
  c.require_same_dtype(0, 2);
  if (c.shape(2) != c.shape(1)) c.invalid("updates must have the shape of indices");
  c.set_output(0, c.dtype(0), c.shape(0));
}

std::vector<KernelCall> lower_scatter_elements(LowerContext& c) {
  const auto& a = c.attrs<ElementsAttrs>();
  IndexParams p = element_params(c.input(0).shape, c.input(1).shape, a.axis, a.reduction);
  return {dispatch_in<AllTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return dispatch_in<IndexTypes>(c.input(1).dtype, [&](auto itag) {
      using I = typename decltype(itag)::type;
      return bind_kernel("mote/indexing.h", "mote::scatter_elements<" + cpp_type<T>() + ", " + cpp_type<I>() + ">",
                         "mote::IndexParams", p, &mote::scatter_elements<T, I>,
                         {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::output(0)});
    });
  })};
}

struct NdAttrs : AttrsOf<NdAttrs> {
  int64_t batch_dims = 0;                 // GatherND
  Reduction reduction = Reduction::None;  // ScatterND, opset 16
  template <class V>
  void fields(V& v) {
    v("batch_dims", batch_dims);
    v("reduction", reduction);
  }
};

NdParams nd_params(const Shape& data, const Shape& indices, int64_t batch_dims, Reduction reduction) {
  NdParams p{};
  const int depth = static_cast<int>(indices[indices.rank() - 1]);
  const int b = static_cast<int>(batch_dims);
  p.batch = static_cast<int32_t>(data.numel(0, b));
  p.depth = depth;
  p.tuples = static_cast<int32_t>(indices.numel(b, indices.rank() - 1));
  p.slice = static_cast<int32_t>(data.numel(b + depth, data.rank()));
  p.data_batch = static_cast<int32_t>(data.numel(b, data.rank()));
  p.data_count = static_cast<int32_t>(data.numel());
  p.reduction = static_cast<int32_t>(reduction);
  std::vector<int64_t> strides = row_major_strides(data.dims());
  for (int k = 0; k < depth; ++k) {
    p.data_dims[k] = static_cast<int32_t>(data[b + k]);
    p.data_strides[k] = static_cast<int32_t>(strides[static_cast<size_t>(b + k)]);
  }
  return p;
}

void infer_gather_nd(InferContext& c) {
  c.require_inputs(2, 2);
  c.require_dtype(1, DTypeSet{DType::Int64});
  const Shape& data = c.shape(0);
  const Shape& indices = c.shape(1);
  const int64_t b = c.attrs<NdAttrs>().batch_dims;
  if (indices.rank() < 1) c.invalid("indices must have rank >= 1");
  const int64_t depth = indices[indices.rank() - 1];
  if (b < 0 || b >= std::min(data.rank(), indices.rank()) || depth < 1 || b + depth > data.rank() || depth > kMaxRank)
    c.invalid("indices of shape " + indices.to_string() + " do not fit data of shape " + data.to_string());
  for (int d = 0; d < b; ++d)
    if (data[d] != indices[d]) c.invalid("batch dims of data and indices differ");
  std::vector<int64_t> out(indices.dims().begin(), indices.dims().end() - 1);
  out.insert(out.end(), data.dims().begin() + b + depth, data.dims().end());
  c.set_output(0, c.dtype(0), Shape(out));
}

std::vector<KernelCall> lower_gather_nd(LowerContext& c) {
  NdParams p = nd_params(c.input(0).shape, c.input(1).shape, c.attrs<NdAttrs>().batch_dims, Reduction::None);
  return {dispatch_in<AllTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/indexing.h", "mote::gather_nd<" + cpp_type<T>() + ">", "mote::NdParams", p, &mote::gather_nd<T>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::output(0)});
  })};
}

void infer_scatter_nd(InferContext& c) {
  c.require_inputs(3, 3);
  c.require_dtype(1, DTypeSet{DType::Int64});
  c.require_same_dtype(0, 2);
  const Shape& data = c.shape(0);
  const Shape& indices = c.shape(1);
  const int64_t depth = indices.rank() ? indices[indices.rank() - 1] : 0;
  if (depth < 1 || depth > data.rank() || depth > kMaxRank) c.invalid("indices of shape " + indices.to_string() + " do not fit the data");
  std::vector<int64_t> want(indices.dims().begin(), indices.dims().end() - 1);
  want.insert(want.end(), data.dims().begin() + depth, data.dims().end());
  if (c.shape(2) != Shape(want)) c.invalid("updates should have shape " + Shape(want).to_string());
  c.set_output(0, c.dtype(0), data);
}

std::vector<KernelCall> lower_scatter_nd(LowerContext& c) {
  NdParams p = nd_params(c.input(0).shape, c.input(1).shape, 0, c.attrs<NdAttrs>().reduction);
  return {dispatch_in<AllTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/indexing.h", "mote::scatter_nd<" + cpp_type<T>() + ">", "mote::NdParams", p, &mote::scatter_nd<T>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kGatherElements = {"", "GatherElements", make_attrs<ElementsAttrs>, infer_gather_elements,
                                      lower_gather_elements, {}};
extern const OpDef kScatterElements = {"", "ScatterElements", make_attrs<ElementsAttrs>, infer_scatter_elements,
                                       lower_scatter_elements, {}};
extern const OpDef kScatter = {"", "Scatter", make_attrs<ElementsAttrs>, infer_scatter_elements, lower_scatter_elements, {}};
extern const OpDef kGatherND = {"", "GatherND", make_attrs<NdAttrs>, infer_gather_nd, lower_gather_nd, {}};
extern const OpDef kScatterND = {"", "ScatterND", make_attrs<NdAttrs>, infer_scatter_nd, lower_scatter_nd, {}};

}  // namespace mote::ops
