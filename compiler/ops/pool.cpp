// Pooling: MaxPool (with Indices), AveragePool, LpPool and their global forms, and the
// integer average pools com.microsoft.QLinearAveragePool / QLinearGlobalAveragePool that
// quantized average pools become.
#include <algorithm>
#include <type_traits>

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/qdq.h"
#include "compiler/ops/quant_math.h"
#include "compiler/ops/spatial.h"
#include "mote/pool.h"
#include "mote/quantized.h"

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

// The attributes of AveragePool, which QLinearAveragePool has too.
struct AverageWindow : PoolWindow {
  int64_t ceil_mode = 0;
  int64_t count_include_pad = 0;
  template <class V>
  void average_fields(V& v) {
    window_fields(v);
    v("ceil_mode", ceil_mode);
    v("count_include_pad", count_include_pad);
  }
  WindowSpec spec() const { return {kernel_shape, strides, {}, pads, auto_pad, ceil_mode != 0}; }
};

struct AveragePoolAttrs : AttrsOf<AveragePoolAttrs>, AverageWindow {
  template <class V>
  void fields(V& v) {
    average_fields(v);
  }
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

constexpr OpTraits kSelectsElements{false, false, false, false, true};

using MaxPoolTypes = Concat<FloatTypes, QuantizedActivationTypes>;

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

// One window covering every spatial dim.
WindowGeometry global_geometry(const Shape& x) {
  WindowGeometry g;
  g.in.assign(x.dims().begin() + 2, x.dims().end());
  g.kernel = g.in;
  g.out.assign(g.in.size(), 1);
  g.stride.assign(g.in.size(), 1);
  g.dilation.assign(g.in.size(), 1);
  g.pad_begin.assign(g.in.size(), 0);
  g.pad_end.assign(g.in.size(), 0);
  return g;
}

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
  PoolParams p = pool_params(x, global_geometry(x));
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


// ---- Integer average pooling: X, x_scale, x_zero_point, y_scale, y_zero_point ----

struct QLinearAveragePoolAttrs : AttrsOf<QLinearAveragePoolAttrs>, AverageWindow {
  int64_t channels_last = 0;
  template <class V>
  void fields(V& v) {
    average_fields(v);
    v("channels_last", channels_last);
  }
};

struct QLinearGlobalPoolAttrs : AttrsOf<QLinearGlobalPoolAttrs> {
  int64_t channels_last = 0;
  template <class V>
  void fields(V& v) {
    v("channels_last", channels_last);
  }
};

bool has_padding(const WindowGeometry& g) {
  auto nonzero = [](int64_t v) { return v != 0; };
  return std::any_of(g.pad_begin.begin(), g.pad_begin.end(), nonzero) || std::any_of(g.pad_end.begin(), g.pad_end.end(), nonzero);
}

template <bool kGlobal>
void infer_qlinear_average(InferContext& c) {
  c.require_inputs(4, 5);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<QuantizedActivationTypes>());
  c.require_rank(0, 3, 5);
  for (size_t zero : {size_t{2}, size_t{4}})
    if (c.has_input(zero)) c.require_same_dtype(0, zero);
  for (size_t scale : {size_t{1}, size_t{3}}) {
    c.require_dtype(scale, DTypeSet{DType::Float32});
    if (c.shape(scale).numel() != 1 || !c.known_input(scale)) c.unsupported("scales must be scalars known at compile time");
  }
  WindowGeometry g;
  if constexpr (kGlobal) {
    if (c.attrs<QLinearGlobalPoolAttrs>().channels_last) c.unsupported("channels_last=1 is not supported");
    g = global_geometry(c.shape(0));
  } else {
    const auto& a = c.attrs<QLinearAveragePoolAttrs>();
    if (a.channels_last) c.unsupported("channels_last=1 is not supported");
    std::string error;
    g = geometry(a, c.shape(0), error);
    if (!error.empty()) c.invalid(error);
    if (a.count_include_pad && has_padding(g)) c.unsupported("count_include_pad=1 with padding is not supported");
  }
  std::vector<int64_t> out{c.shape(0)[0], c.shape(0)[1]};
  out.insert(out.end(), g.out.begin(), g.out.end());
  c.set_output(0, c.dtype(0), Shape(out));
}

template <bool kGlobal>
std::vector<KernelCall> lower_qlinear_average(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  std::string error;
  QPoolParams q{};
  q.pool = pool_params(x, kGlobal ? global_geometry(x) : geometry(c.attrs<QLinearAveragePoolAttrs>(), x, error));
  const float x_scale = scalar_scale(c.constant_input(1)), y_scale = scalar_scale(c.constant_input(3));
  q.x_zero = scalar_zero(c.known_input(2));
  q.y_zero = scalar_zero(c.known_input(4));
  q.same_quantization = x_scale == y_scale && q.x_zero == q.y_zero;
  quantize_multiplier(static_cast<double>(x_scale) / static_cast<double>(y_scale), q.multiplier, q.shift);
  return {dispatch_in<QuantizedActivationTypes>(c.input(0).dtype, [&](auto tag) {
    using Q = typename decltype(tag)::type;
    std::tie(q.act_min, q.act_max) =
        quantized_activation_range(c.node().activation, y_scale, q.y_zero, numeric_limits<Q>::lowest(), numeric_limits<Q>::max());
    return bind_kernel("mote/quantized.h", "mote::qaverage_pool<" + cpp_type<Q>() + ">", "mote::QPoolParams", q,
                       &mote::qaverage_pool<Q>, {KernelArg::input(0), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kQLinearAveragePool = {"com.microsoft", "QLinearAveragePool", make_attrs<QLinearAveragePoolAttrs>,
                                          infer_qlinear_average<false>, lower_qlinear_average<false>, {}};
extern const OpDef kQLinearGlobalAveragePool = {"com.microsoft", "QLinearGlobalAveragePool", make_attrs<QLinearGlobalPoolAttrs>,
                                                infer_qlinear_average<true>, lower_qlinear_average<true>, {}};

namespace {

// An average pool of a dequantized 8-bit (or int16) tensor, quantized to the same type, becomes
// the integer pool (which divides by the taps inside the input, so padding must not count).
template <bool kGlobal>
Node* quantized_average(Graph& graph, const Node& node, const QdqPattern& pattern, const Node* before) {
  const auto& x = pattern.inputs[0];
  if (!per_tensor_activation(x) || !per_tensor_activation(pattern.output) || pattern.output.integer->dtype != x->integer->dtype)
    return nullptr;
  std::unique_ptr<Attrs> attrs;
  if constexpr (kGlobal) {
    attrs = std::make_unique<QLinearGlobalPoolAttrs>();
  } else {
    const auto& a = node.attrs_as<AveragePoolAttrs>();
    std::string error;
    const WindowGeometry g = geometry(a, x->integer->shape, error);
    if (!error.empty() || (a.count_include_pad && has_padding(g))) return nullptr;
    auto q = std::make_unique<QLinearAveragePoolAttrs>();
    static_cast<AverageWindow&>(*q) = a;
    attrs = std::move(q);
  }
  Node* q = graph.add_node(kGlobal ? &kQLinearGlobalAveragePool : &kQLinearAveragePool, node.name, std::move(attrs),
                           {x->integer, x->scale, zero_point_or_zero(graph, *x), pattern.output.scale,
                            zero_point_or_zero(graph, pattern.output)},
                           {pattern.output.integer}, 1, before);
  q->activation = pattern.activation;
  return q;
}

// Zero padding of the spatial axes folds into an AveragePool that pads nothing itself (and
// does not round its output size up): the Pad's zeros were ordinary elements of every window,
// which is what count_include_pad=1 counts.
bool absorb_average_padding(Node& node, const std::vector<int64_t>& pads, double value) {
  auto& a = node.attrs_as<AveragePoolAttrs>();
  std::vector<int64_t> spatial;
  if (value != 0.0 || a.auto_pad != AutoPad::NotSet || a.ceil_mode != 0 || !spatial_padding(pads, node.inputs[0]->shape.rank(), spatial))
    return false;
  for (int64_t own : a.pads)
    if (own != 0) return false;
  a.pads = spatial;
  a.count_include_pad = 1;
  return true;
}

}  // namespace

extern const OpDef kMaxUnpool = {"", "MaxUnpool", make_attrs<UnpoolAttrs>, infer_max_unpool, lower_max_unpool, {}};
extern const OpDef kMaxPool = {"", "MaxPool", make_attrs<MaxPoolAttrs>, infer<Kind::Max>, lower<Kind::Max>, kSelectsElements};
extern const OpDef kAveragePool = {"",      "AveragePool", make_attrs<AveragePoolAttrs>, infer<Kind::Average>,
                                   lower<Kind::Average>, {}, nullptr, nullptr, nullptr, nullptr, absorb_average_padding, nullptr, nullptr,
                                   quantized_average<false>};
extern const OpDef kLpPool = {"", "LpPool", make_attrs<LpPoolAttrs>, infer<Kind::Lp>, lower<Kind::Lp>, {}};
extern const OpDef kGlobalMaxPool = {"", "GlobalMaxPool", make_attrs<NoAttrs>, infer_global<Kind::Max>,
                                     lower_global<Kind::Max>, {}};
extern const OpDef kGlobalAveragePool = {"",      "GlobalAveragePool", make_attrs<NoAttrs>, infer_global<Kind::Average>,
                                         lower_global<Kind::Average>, {}, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                                         nullptr, quantized_average<true>};
extern const OpDef kGlobalLpPool = {"", "GlobalLpPool", make_attrs<GlobalLpAttrs>, infer_global<Kind::Lp>,
                                    lower_global<Kind::Lp>, {}};

}  // namespace mote::ops
