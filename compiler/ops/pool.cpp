// Pooling: MaxPool (with Indices), AveragePool, LpPool and their global forms.
#include <type_traits>

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/spatial.h"
#include "mote/pool.h"

namespace mote::ops {
namespace {

// Attributes every pooling op has.
struct PoolWindow {
  AutoPad auto_pad = AutoPad::NotSet;
  std::vector<int64_t> kernel_shape, pads, strides;
  template <class V>
  void window_fields(V& v) {
    v("auto_pad", auto_pad);
    v.required("kernel_shape", kernel_shape);
    v("pads", pads);
    v("strides", strides);
  }
};

struct MaxPoolAttrs : AttrsOf<MaxPoolAttrs>, PoolWindow {
  int64_t ceil_mode = 0;
  int64_t storage_order = 0;
  std::vector<int64_t> dilations;
  template <class V>
  void fields(V& v) {
    window_fields(v);
    v("ceil_mode", ceil_mode);
    v("dilations", dilations);
    v("storage_order", storage_order);
  }
  WindowSpec spec() const { return {kernel_shape, strides, dilations, pads, auto_pad, ceil_mode != 0}; }
};

struct AveragePoolAttrs : AttrsOf<AveragePoolAttrs>, PoolWindow {
  int64_t ceil_mode = 0;
  int64_t count_include_pad = 0;
  template <class V>
  void fields(V& v) {
    window_fields(v);
    v("ceil_mode", ceil_mode);
    v("count_include_pad", count_include_pad);
  }
  WindowSpec spec() const { return {kernel_shape, strides, {}, pads, auto_pad, ceil_mode != 0}; }
};

struct LpPoolAttrs : AttrsOf<LpPoolAttrs>, PoolWindow {
  int64_t p = 2;
  template <class V>
  void fields(V& v) {
    window_fields(v);
    v("p", p);
  }
  WindowSpec spec() const { return {kernel_shape, strides, {}, pads, auto_pad, false}; }
};

enum class Kind { Max, Average, Lp };

template <Kind kKind>
using AttrsFor = std::conditional_t<kKind == Kind::Max, MaxPoolAttrs,
                                    std::conditional_t<kKind == Kind::Average, AveragePoolAttrs, LpPoolAttrs>>;

template <class A>
WindowGeometry geometry(const A& a, const Shape& x, std::string& error) {
  WindowGeometry g;
  error = window_geometry(std::vector<int64_t>(x.dims().begin() + 2, x.dims().end()), a.spec(), g);
  return g;
}

using MaxPoolTypes = Concat<FloatTypes, TypeList<int8_t, uint8_t>>;

template <Kind kKind>
void infer(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_outputs(1, kKind == Kind::Max ? 2 : 1);
  c.require_dtype(0, kKind == Kind::Max ? dtype_set<MaxPoolTypes>() : dtype_set<FloatTypes>());
  c.require_rank(0, 3, 5);
  std::string error;
  WindowGeometry g = geometry(c.attrs<AttrsFor<kKind>>(), c.shape(0), error);
  if (!error.empty()) c.invalid(error);
  std::vector<int64_t> out{c.shape(0)[0], c.shape(0)[1]};
  out.insert(out.end(), g.out.begin(), g.out.end());
  c.set_output(0, c.dtype(0), Shape(out));
  c.set_output(1, DType::Int64, Shape(out));
}

PoolParams pool_params(const Shape& x, const WindowGeometry& g) {
  PoolParams p{};
  p.planes = static_cast<int32_t>(x[0] * x[1]);
  to_spatial3(g.in, 1, p.in_size);
  to_spatial3(g.out, 1, p.out_size);
  to_spatial3(g.kernel, 1, p.kernel);
  to_spatial3(g.stride, 1, p.stride);
  to_spatial3(g.dilation, 1, p.dilation);
  to_spatial3(g.pad_begin, 0, p.pad_begin);
  to_spatial3(g.pad_end, 0, p.pad_end);
  return p;
}

template <Kind kKind>
std::vector<KernelCall> lower(LowerContext& c) {
  const auto& a = c.attrs<AttrsFor<kKind>>();
  std::string error;
  const Shape& x = c.input(0).shape;
  PoolParams p = pool_params(x, geometry(a, x, error));
  if constexpr (kKind == Kind::Average) p.count_include_pad = static_cast<int32_t>(a.count_include_pad);
  if constexpr (kKind == Kind::Max) p.storage_order = static_cast<int32_t>(a.storage_order);
  if constexpr (kKind == Kind::Lp) p.p = static_cast<float>(a.p);
  if constexpr (kKind == Kind::Max) {
    return {dispatch_in<MaxPoolTypes>(c.input(0).dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      return bind_kernel("mote/pool.h", "mote::max_pool<" + cpp_type<T>() + ">", "mote::PoolParams", p, &mote::max_pool<T>,
                         {KernelArg::input(0), KernelArg::output(0), KernelArg::output(1)});
    })};
  } else {
    return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      if (kKind == Kind::Average)
        return bind_kernel("mote/pool.h", "mote::average_pool<" + cpp_type<T>() + ">", "mote::PoolParams", p,
                           &mote::average_pool<T>, {KernelArg::input(0), KernelArg::output(0)});
      return bind_kernel("mote/pool.h", "mote::lp_pool<" + cpp_type<T>() + ">", "mote::PoolParams", p, &mote::lp_pool<T>,
                         {KernelArg::input(0), KernelArg::output(0)});
    })};
  }
}

// Global pooling: one window covering all spatial dims.
struct GlobalLpAttrs : AttrsOf<GlobalLpAttrs> {
  int64_t p = 2;
  template <class V>
  void fields(V& v) {
    v("p", p);
  }
};

template <Kind kKind>
void infer_global(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<FloatTypes>());
  c.require_rank(0, 3, 5);
  std::vector<int64_t> out(static_cast<size_t>(c.rank(0)), 1);
  out[0] = c.shape(0)[0];
  out[1] = c.shape(0)[1];
  c.set_output(0, c.dtype(0), Shape(out));
}

template <Kind kKind>
std::vector<KernelCall> lower_global(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  WindowGeometry g;
  g.in.assign(x.dims().begin() + 2, x.dims().end());
  g.kernel = g.in;
  g.out.assign(g.in.size(), 1);
  g.stride.assign(g.in.size(), 1);
  g.dilation.assign(g.in.size(), 1);
  g.pad_begin.assign(g.in.size(), 0);
  g.pad_end.assign(g.in.size(), 0);
  PoolParams p = pool_params(x, g);
  if constexpr (kKind == Kind::Lp) p.p = static_cast<float>(c.attrs<GlobalLpAttrs>().p);
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (kKind == Kind::Max)
      return bind_kernel("mote/pool.h", "mote::max_pool<" + cpp_type<T>() + ">", "mote::PoolParams", p, &mote::max_pool<T>,
                         {KernelArg::input(0), KernelArg::output(0), KernelArg::output(1)});
    if (kKind == Kind::Lp)
      return bind_kernel("mote/pool.h", "mote::lp_pool<" + cpp_type<T>() + ">", "mote::PoolParams", p, &mote::lp_pool<T>,
                         {KernelArg::input(0), KernelArg::output(0)});
    return bind_kernel("mote/pool.h", "mote::average_pool<" + cpp_type<T>() + ">", "mote::PoolParams", p,
                       &mote::average_pool<T>, {KernelArg::input(0), KernelArg::output(0)});
  })};
}

struct UnpoolAttrs : AttrsOf<UnpoolAttrs> {
  std::vector<int64_t> kernel_shape, pads, strides;
  template <class V>
  void fields(V& v) {
    v.required("kernel_shape", kernel_shape);
    v("pads", pads);
    v("strides", strides);
  }
};

// The shape MaxPool's indices refer to: the unpooled shape implied by the window.
template <class Context>
Shape default_unpool_shape(Context& c) {
  const Shape& x = c.shape(0);
  const auto& a = c.template attrs<UnpoolAttrs>();
  const size_t rank = static_cast<size_t>(x.rank() - 2);
  if (a.kernel_shape.size() != rank) c.invalid("kernel_shape must have " + std::to_string(rank) + " values");
  std::vector<int64_t> dims{x[0], x[1]};
  for (size_t i = 0; i < rank; ++i) {
    const int64_t stride = a.strides.empty() ? 1 : a.strides[i];
    const int64_t pads = a.pads.empty() ? 0 : a.pads[i] + a.pads[i + rank];
    dims.push_back((x[static_cast<int>(i) + 2] - 1) * stride + a.kernel_shape[i] - pads);
  }
  return Shape(dims);
}

void infer_max_unpool(InferContext& c) {
  c.require_inputs(2, 3);
  c.require_dtype(0, dtype_set<FloatTypes>());
  c.require_dtype(1, DTypeSet{DType::Int64});
  c.require_rank(0, 3, kMaxRank);
  if (c.shape(1) != c.shape(0)) c.invalid("indices must have the shape of X");
  Shape out = c.has_input(2) ? Shape(c.constant_input(2, "output_shape").to_int64_vector()) : default_unpool_shape(c);
  if (out.rank() != c.rank(0)) c.invalid("output_shape must have the rank of X");
  c.set_output(0, c.dtype(0), out);
}

std::vector<KernelCall> lower_max_unpool(LowerContext& c) {
  const Shape& out = c.output(0).shape;
  const Shape index_shape = default_unpool_shape(c);
  UnpoolParams p{static_cast<int32_t>(c.input(0).shape.numel()), static_cast<int32_t>(out.numel()), out.rank(), {}, {}};
  for (int d = 0; d < out.rank(); ++d) {
    p.index_dims[d] = static_cast<int32_t>(index_shape[d]);
    p.out_dims[d] = static_cast<int32_t>(out[d]);
  }
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/pool.h", "mote::max_unpool<" + cpp_type<T>() + ">", "mote::UnpoolParams", p, &mote::max_unpool<T>,
                       {KernelArg::input(0), KernelArg::input(1), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kMaxUnpool = {"", "MaxUnpool", make_attrs<UnpoolAttrs>, infer_max_unpool, lower_max_unpool, {}};
extern const OpDef kMaxPool = {"", "MaxPool", make_attrs<MaxPoolAttrs>, infer<Kind::Max>, lower<Kind::Max>, {}};
extern const OpDef kAveragePool = {"", "AveragePool", make_attrs<AveragePoolAttrs>, infer<Kind::Average>,
                                   lower<Kind::Average>, {}};
extern const OpDef kLpPool = {"", "LpPool", make_attrs<LpPoolAttrs>, infer<Kind::Lp>, lower<Kind::Lp>, {}};
extern const OpDef kGlobalMaxPool = {"", "GlobalMaxPool", make_attrs<NoAttrs>, infer_global<Kind::Max>,
                                     lower_global<Kind::Max>, {}};
extern const OpDef kGlobalAveragePool = {"", "GlobalAveragePool", make_attrs<NoAttrs>, infer_global<Kind::Average>,
                                         lower_global<Kind::Average>, {}};
extern const OpDef kGlobalLpPool = {"", "GlobalLpPool", make_attrs<GlobalLpAttrs>, infer_global<Kind::Lp>,
                                    lower_global<Kind::Lp>, {}};

}  // namespace mote::ops
