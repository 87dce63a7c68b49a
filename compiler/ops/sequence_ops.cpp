// Ops along one axis driven by position or runtime data: Trilu, CumSum, OneHot, TopK,
// ReverseSequence.
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/indexing.h"

namespace mote::ops {
namespace {

struct TriluAttrs : AttrsOf<TriluAttrs> {
  int64_t upper = 1;
  template <class V>
  void fields(V& v) {
    v("upper", upper);
  }
};

void infer_trilu(InferContext& c) {
  c.require_inputs(1, 2);
  c.require_rank(0, 2, kMaxRank);
  if (c.has_input(1)) {
    c.require_dtype(1, DTypeSet{DType::Int64});
    if (c.shape(1).numel() != 1) c.invalid("k must be a scalar");
  }
  c.set_output(0, c.dtype(0), c.shape(0));
}

std::vector<KernelCall> lower_trilu(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  TriluParams p{static_cast<int32_t>(x.numel(0, x.rank() - 2)), static_cast<int32_t>(x[x.rank() - 2]),
                static_cast<int32_t>(x[x.rank() - 1]), static_cast<int32_t>(c.attrs<TriluAttrs>().upper)};
  return {dispatch_in<AllTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/indexing.h", "mote::trilu<" + cpp_type<T>() + ">", "mote::TriluParams", p, &mote::trilu<T>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::output(0)});
  })};
}

struct CumSumAttrs : AttrsOf<CumSumAttrs> {
  int64_t exclusive = 0;
  int64_t reverse = 0;
  template <class V>
  void fields(V& v) {
    v("exclusive", exclusive);
    v("reverse", reverse);
  }
};

using CumSumTypes = TypeList<float, double, float16, bfloat16, int32_t, int64_t, uint32_t, uint64_t>;

template <class Context>
int cumsum_axis(Context& c) {
  const Tensor& axis = c.constant_input(1, "axis");
  if (axis.numel() != 1) c.invalid("axis must be a scalar");
  return static_cast<int>(c.axis(axis.as_int64(0), c.rank(0)));
}

void infer_cumsum(InferContext& c) {
  c.require_inputs(2, 2);
  c.require_dtype(0, dtype_set<CumSumTypes>());
  c.require_dtype(1, dtype_set<IndexTypes>());
  cumsum_axis(c);
  c.set_output(0, c.dtype(0), c.shape(0));
}

std::vector<KernelCall> lower_cumsum(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  const int axis = cumsum_axis(c);
  const auto& a = c.attrs<CumSumAttrs>();
  ScanParams p{static_cast<int32_t>(x.numel(0, axis)), static_cast<int32_t>(x[axis]), static_cast<int32_t>(x.numel(axis + 1, x.rank())),
               static_cast<int32_t>(a.exclusive), static_cast<int32_t>(a.reverse)};
  return {dispatch_in<CumSumTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/indexing.h", "mote::cumsum<" + cpp_type<T>() + ">", "mote::ScanParams", p, &mote::cumsum<T>,
                       {KernelArg::input(0), KernelArg::output(0)});
  })};
}

struct OneHotAttrs : AttrsOf<OneHotAttrs> {
  int64_t axis = -1;
  template <class V>
  void fields(V& v) {
    v("axis", axis);
  }
};

template <class Context>
int64_t one_hot_depth(Context& c) {
  const Tensor& depth = c.constant_input(1, "depth");
  if (depth.numel() != 1) c.invalid("depth must be a scalar");
  const double d = depth.as_double(0);
  if (!(d >= 1) || d > static_cast<double>(kMaxElements)) c.invalid("depth must be positive");
  return static_cast<int64_t>(d);
}

void infer_one_hot(InferContext& c) {
  c.require_inputs(3, 3);
  c.require_dtype(0, dtype_set<NumericTypes>());
  if (c.shape(2).numel() != 2) c.invalid("values must hold [off, on]");
  const int64_t depth = one_hot_depth(c);
  const int rank = c.rank(0) + 1;
  const int64_t axis = c.axis(c.attrs<OneHotAttrs>().axis, rank);
  std::vector<int64_t> dims = c.shape(0).dims();
  dims.insert(dims.begin() + axis, depth);
  c.set_output(0, c.dtype(2), Shape(dims));
}

std::vector<KernelCall> lower_one_hot(LowerContext& c) {
  const Shape& in = c.input(0).shape;
  int64_t axis = c.attrs<OneHotAttrs>().axis;
  if (axis < 0) axis += in.rank() + 1;
  const int a = static_cast<int>(axis);
  OneHotParams p{static_cast<int32_t>(in.numel(0, a)), static_cast<int32_t>(one_hot_depth(c)), static_cast<int32_t>(in.numel(a, in.rank()))};
  return {dispatch_in<AllTypes>(c.input(2).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return dispatch_in<NumericTypes>(c.input(0).dtype, [&](auto itag) {
      using I = typename decltype(itag)::type;
      return bind_kernel("mote/indexing.h", "mote::one_hot<" + cpp_type<T>() + ", " + cpp_type<I>() + ">", "mote::OneHotParams", p,
                         &mote::one_hot<T, I>, {KernelArg::input(0), KernelArg::input(2), KernelArg::output(0)});
    });
  })};
}

struct TopKAttrs : AttrsOf<TopKAttrs> {
  int64_t axis = -1;
  int64_t largest = 1;
  int64_t sorted = 1;
  std::optional<int64_t> k;  // opset 1; an input from opset 10
  template <class V>
  void fields(V& v) {
    v("axis", axis);
    v("largest", largest);
    v("sorted", sorted);
    v("k", k);
  }
};

using TopKTypes = Concat<FloatTypes, TypeList<int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t>>;

template <class Context>
int64_t top_k_count(Context& c) {
  const auto& a = c.template attrs<TopKAttrs>();
  if (c.opset() < 10) {
    if (!a.k) c.invalid("attribute k is required");
    return *a.k;
  }
  const Tensor& k = c.constant_input(1, "K");
  if (k.numel() != 1) c.invalid("K must hold one value");
  return k.as_int64(0);
}

void infer_top_k(InferContext& c) {
  c.require_inputs(1, 2);
  c.require_dtype(0, dtype_set<TopKTypes>());
  const int64_t axis = c.axis(c.attrs<TopKAttrs>().axis, c.rank(0));
  const int64_t k = top_k_count(c);
  if (k < 0 || k > c.shape(0)[static_cast<int>(axis)]) c.invalid("K = " + std::to_string(k) + " is out of range");
  std::vector<int64_t> dims = c.shape(0).dims();
  dims[static_cast<size_t>(axis)] = k;
  c.set_output(0, c.dtype(0), Shape(dims));
  c.set_output(1, DType::Int64, Shape(dims));
}

std::vector<KernelCall> lower_top_k(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  const auto& a = c.attrs<TopKAttrs>();
  const int axis = static_cast<int>(a.axis < 0 ? a.axis + x.rank() : a.axis);
  TopKParams p{static_cast<int32_t>(x.numel(0, axis)), static_cast<int32_t>(x[axis]), static_cast<int32_t>(x.numel(axis + 1, x.rank())),
               static_cast<int32_t>(top_k_count(c)), static_cast<int32_t>(a.largest)};
  return {dispatch_in<TopKTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    KernelCall call = bind_kernel("mote/indexing.h", "mote::top_k<" + cpp_type<T>() + ">", "mote::TopKParams", p, &mote::top_k<T>,
                                  {KernelArg::input(0), KernelArg::output(0), KernelArg::output(1), KernelArg::scratch(0)});
    call.scratch_bytes = {std::max<int64_t>(1, x[axis])};
    return call;
  })};
}

struct ReverseSequenceAttrs : AttrsOf<ReverseSequenceAttrs> {
  int64_t batch_axis = 1;
  int64_t time_axis = 0;
  template <class V>
  void fields(V& v) {
    v("batch_axis", batch_axis);
    v("time_axis", time_axis);
  }
};

void infer_reverse_sequence(InferContext& c) {
  c.require_inputs(2, 2);
  c.require_rank(0, 2, kMaxRank);
  c.require_dtype(1, DTypeSet{DType::Int64});
  const auto& a = c.attrs<ReverseSequenceAttrs>();
  if (!((a.batch_axis == 1 && a.time_axis == 0) || (a.batch_axis == 0 && a.time_axis == 1)))
    c.invalid("batch_axis and time_axis must be 0 and 1");
  if (c.shape(1) != Shape{c.shape(0)[static_cast<int>(a.batch_axis)]}) c.invalid("sequence_lens must have one entry per batch item");
  c.set_output(0, c.dtype(0), c.shape(0));
}

std::vector<KernelCall> lower_reverse_sequence(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  const auto& a = c.attrs<ReverseSequenceAttrs>();
  const int64_t inner = x.numel(2, x.rank());
  ReverseSequenceParams p{};
  p.count = static_cast<int32_t>(x.numel());
  p.time_size = static_cast<int32_t>(x[static_cast<int>(a.time_axis)]);
  p.batch_size = static_cast<int32_t>(x[static_cast<int>(a.batch_axis)]);
  p.inner = static_cast<int32_t>(inner);
  p.time_stride = static_cast<int32_t>(a.time_axis == 0 ? x[1] * inner : inner);
  p.batch_stride = static_cast<int32_t>(a.batch_axis == 0 ? x[1] * inner : inner);
  return {dispatch_in<AllTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/indexing.h", "mote::reverse_sequence<" + cpp_type<T>() + ", int64_t>", "mote::ReverseSequenceParams", p,
                       &mote::reverse_sequence<T, int64_t>, {KernelArg::input(0), KernelArg::input(1), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kTrilu = {"", "Trilu", make_attrs<TriluAttrs>, infer_trilu, lower_trilu, {}};
extern const OpDef kCumSum = {"", "CumSum", make_attrs<CumSumAttrs>, infer_cumsum, lower_cumsum, {}};
extern const OpDef kOneHot = {"", "OneHot", make_attrs<OneHotAttrs>, infer_one_hot, lower_one_hot, {}};
extern const OpDef kTopK = {"", "TopK", make_attrs<TopKAttrs>, infer_top_k, lower_top_k, {}};
extern const OpDef kReverseSequence = {"", "ReverseSequence", make_attrs<ReverseSequenceAttrs>, infer_reverse_sequence,
                                       lower_reverse_sequence, {}};

}  // namespace mote::ops
