// ReduceSum / Mean / Max / Min / Prod / L1 / L2 / LogSum / LogSumExp / SumSquare over any axes,
// and ArgMax / ArgMin along one axis.
#include <set>

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/strided_copy.h"
#include "mote/reduce.h"

namespace mote::ops {
namespace {

struct ReduceAttrs : AttrsOf<ReduceAttrs> {
  std::optional<std::vector<int64_t>> axes;  // an input instead for ReduceSum from opset 13
  int64_t keepdims = 1;
  int64_t noop_with_empty_axes = 0;
  template <class V>
  void fields(V& v) {
    v("axes", axes);
    v("keepdims", keepdims);
    v("noop_with_empty_axes", noop_with_empty_axes);
  }
};

using ReduceTypes = Concat<FloatTypes, TypeList<int8_t, uint8_t, int32_t, int64_t, uint32_t, uint64_t>>;

// The reduced axes (sorted, normalised); empty with noop: nothing is reduced.
template <class Context>
std::set<int64_t> reduced_axes(Context& c, bool axes_as_input) {
  const auto& a = c.template attrs<ReduceAttrs>();
  const int rank = c.rank(0);
  std::optional<std::vector<int64_t>> axes = a.axes;
  if (axes_as_input) {
    if (a.axes) c.invalid("axes is an input for this opset, not an attribute");
    if (c.has_input(1)) axes = c.constant_input(1, "axes").to_int64_vector();
  }
  std::set<int64_t> result;
  if (!axes || axes->empty()) {
    if (a.noop_with_empty_axes) return result;
    for (int i = 0; i < rank; ++i) result.insert(i);
    return result;
  }
  for (int64_t axis : *axes) result.insert(c.axis(axis, rank, "axes entry"));
  return result;
}

template <bool kAxesInputFrom13>
bool axes_as_input(int opset) {
  return kAxesInputFrom13 && opset >= 13;
}

// keepdims is a flag: 0 or 1. ONNX keeps the axis only for exactly 1, so any other value would
// make Mote and ONNX disagree on the shape; it is the model's error.
bool keepdims_flag(InferContext& c, int64_t keepdims) {
  if (keepdims != 0 && keepdims != 1) c.invalid("attribute 'keepdims' must be 0 or 1, not " + std::to_string(keepdims));
  return keepdims == 1;
}

template <bool kAxesInputFrom13, class Types = ReduceTypes>
void infer(InferContext& c) {
  c.require_inputs(1, 2);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<Types>());
  std::set<int64_t> axes = reduced_axes(c, axes_as_input<kAxesInputFrom13>(c.opset()));
  const bool keep = keepdims_flag(c, c.attrs<ReduceAttrs>().keepdims);
  std::vector<int64_t> dims;
  for (int d = 0; d < c.rank(0); ++d) {
    if (!axes.count(d)) dims.push_back(c.shape(0)[d]);
    else if (keep) dims.push_back(1);
  }
  c.set_output(0, c.dtype(0), Shape(dims));
}

ReduceParams reduce_params(const Shape& in, const std::set<int64_t>& axes) {
  std::vector<int64_t> strides = row_major_strides(in.dims());
  std::vector<int64_t> keep_dims, keep_strides, red_dims, red_strides;
  auto push = [](std::vector<int64_t>& dims, std::vector<int64_t>& st, int64_t d, int64_t s) {
    if (d == 1) return;
    if (!dims.empty() && st.back() == s * d) {  // contiguous with the previous dim: merge
      dims.back() *= d;
      st.back() = s;
      return;
    }
    dims.push_back(d);
    st.push_back(s);
  };
  for (int d = 0; d < in.rank(); ++d) {
    if (axes.count(d)) push(red_dims, red_strides, in[d], strides[static_cast<size_t>(d)]);
    else push(keep_dims, keep_strides, in[d], strides[static_cast<size_t>(d)]);
  }
  ReduceParams p{};
  int64_t out_count = 1, red_count = 1;
  for (int64_t d : keep_dims) out_count *= d;
  for (int64_t d : red_dims) red_count *= d;
  for (int d = 0; d < in.rank(); ++d)
    if (in[d] == 0) (axes.count(d) ? red_count : out_count) = 0;
  if (keep_dims.empty()) keep_dims = {1}, keep_strides = {0};
  if (red_dims.empty()) red_dims = {1}, red_strides = {0};
  p.out_count = static_cast<int32_t>(out_count);
  p.reduce_count = static_cast<int32_t>(red_count);
  p.keep_rank = static_cast<int32_t>(keep_dims.size());
  p.reduce_rank = static_cast<int32_t>(red_dims.size());
  for (size_t i = 0; i < keep_dims.size(); ++i) {
    p.keep_dims[i] = static_cast<int32_t>(keep_dims[i]);
    p.keep_strides[i] = static_cast<int32_t>(keep_strides[i]);
  }
  for (size_t i = 0; i < red_dims.size(); ++i) {
    p.reduce_dims[i] = static_cast<int32_t>(red_dims[i]);
    p.reduce_strides[i] = static_cast<int32_t>(red_strides[i]);
  }
  return p;
}

template <class Op, bool kAxesInputFrom13, class Types>
std::vector<KernelCall> lower(LowerContext& c) {
  ReduceParams p = reduce_params(c.input(0).shape, reduced_axes(c, axes_as_input<kAxesInputFrom13>(c.opset())));
  return {dispatch_in<Types>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/reduce.h", "mote::reduce<mote::reduce_op::" + std::string(Op::name) + ", " + cpp_type<T>() + ">",
                       "mote::ReduceParams", p, &mote::reduce<Op, T>, {KernelArg::input(0), KernelArg::output(0)});
  })};
}

std::vector<KernelCall> lower_log_sum_exp(LowerContext& c) {
  ReduceParams p = reduce_params(c.input(0).shape, reduced_axes(c, false));
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/reduce.h", "mote::reduce_log_sum_exp<" + cpp_type<T>() + ">", "mote::ReduceParams", p,
                       &mote::reduce_log_sum_exp<T>, {KernelArg::input(0), KernelArg::output(0)});
  })};
}

struct ArgAttrs : AttrsOf<ArgAttrs> {
  int64_t axis = 0;
  int64_t keepdims = 1;
  int64_t select_last_index = 0;
  template <class V>
  void fields(V& v) {
    v("axis", axis);
    v("keepdims", keepdims);
    v("select_last_index", select_last_index);
  }
};

void infer_arg(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<ReduceTypes>());
  const auto& a = c.attrs<ArgAttrs>();
  const int64_t axis = c.axis(a.axis, c.rank(0));
  if (c.shape(0)[static_cast<int>(axis)] == 0) c.invalid("cannot take the arg-extreme of an empty axis");
  std::vector<int64_t> dims = c.shape(0).dims();
  if (keepdims_flag(c, a.keepdims)) dims[static_cast<size_t>(axis)] = 1;
  else dims.erase(dims.begin() + axis);
  c.set_output(0, DType::Int64, Shape(dims));
}

template <bool kMax>
std::vector<KernelCall> lower_arg(LowerContext& c) {
  const auto& a = c.attrs<ArgAttrs>();
  const Shape& in = c.input(0).shape;
  const int axis = static_cast<int>(a.axis < 0 ? a.axis + in.rank() : a.axis);
  ArgParams p{static_cast<int32_t>(in.numel(0, axis)), static_cast<int32_t>(in[axis]),
              static_cast<int32_t>(in.numel(axis + 1, in.rank())), static_cast<int32_t>(a.select_last_index)};
  return {dispatch_in<ReduceTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/reduce.h", std::string(kMax ? "mote::arg_max<" : "mote::arg_min<") + cpp_type<T>() + ">",
                       "mote::ArgParams", p, kMax ? &mote::arg_max<T> : &mote::arg_min<T>,
                       {KernelArg::input(0), KernelArg::output(0)});
  })};
}

}  // namespace

#define MOTE_REDUCE(OnnxName, Functor, kAxesInputFrom13, Types)                                          \
  extern const OpDef k##OnnxName = {"", #OnnxName, make_attrs<ReduceAttrs>, infer<kAxesInputFrom13, Types>, \
                                    lower<reduce_op::Functor, kAxesInputFrom13, Types>, {}};
MOTE_REDUCE(ReduceSum, Sum, true, ReduceTypes)
MOTE_REDUCE(ReduceMean, Mean, false, ReduceTypes)
MOTE_REDUCE(ReduceMax, Max, false, ReduceTypes)
MOTE_REDUCE(ReduceMin, Min, false, ReduceTypes)
MOTE_REDUCE(ReduceProd, Prod, false, ReduceTypes)
MOTE_REDUCE(ReduceL1, L1, false, ReduceTypes)
MOTE_REDUCE(ReduceSumSquare, SumSquare, false, ReduceTypes)
MOTE_REDUCE(ReduceL2, L2, false, FloatTypes)       // a square root: float results only
MOTE_REDUCE(ReduceLogSum, LogSum, false, FloatTypes)
#undef MOTE_REDUCE
extern const OpDef kReduceLogSumExp = {"", "ReduceLogSumExp", make_attrs<ReduceAttrs>, infer<false, FloatTypes>,
                                       lower_log_sum_exp, {}};
extern const OpDef kArgMax = {"", "ArgMax", make_attrs<ArgAttrs>, infer_arg, lower_arg<true>, {}};
extern const OpDef kArgMin = {"", "ArgMin", make_attrs<ArgAttrs>, infer_arg, lower_arg<false>, {}};

}  // namespace mote::ops
