// Softmax, LogSoftmax, Hardmax. Before opset 13 they act on the input flattened to 2-D at
// `axis` (default 1); from 13 on, along `axis` alone (default -1). Also com.microsoft's
// QLinearSoftmax, the integer Softmax that quantized Softmaxes become.
#include <cmath>

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/qdq.h"
#include "compiler/ops/quant_math.h"
#include "mote/quantized.h"
#include "mote/softmax.h"

namespace mote::ops {
namespace {

struct SoftmaxAttrs : AttrsOf<SoftmaxAttrs> {
  std::optional<int64_t> axis;
  template <class V>
  void fields(V& v) {
    v("axis", axis);
  }
};

int64_t resolved_axis(int opset, const SoftmaxAttrs& a) { return a.axis ? *a.axis : (opset < 13 ? 1 : -1); }

void infer(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<FloatTypes>());
  int rank = std::max(1, c.rank(0));
  c.axis(resolved_axis(c.opset(), c.attrs<SoftmaxAttrs>()), rank);
  c.set_output(0, c.dtype(0), c.shape(0));
}

enum class Kind { Softmax, LogSoftmax, Hardmax };

SoftmaxParams softmax_params(const Shape& x, int64_t axis, int opset) {
  int rank = x.rank();
  if (axis < 0) axis += std::max(1, rank);
  SoftmaxParams p{};
  const int a = static_cast<int>(axis);
  p.outer = static_cast<int32_t>(x.numel(0, std::min(a, rank)));
  if (opset < 13) {
    p.length = static_cast<int32_t>(x.numel(std::min(a, rank), rank));
    p.inner = 1;
  } else {
    p.length = static_cast<int32_t>(rank == 0 ? 1 : x[a]);
    p.inner = static_cast<int32_t>(x.numel(std::min(a + 1, rank), rank));
  }
  return p;
}

template <Kind kKind>
std::vector<KernelCall> lower(LowerContext& c) {
  SoftmaxParams p = softmax_params(c.input(0).shape, resolved_axis(c.opset(), c.attrs<SoftmaxAttrs>()), c.opset());
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const char* name = kKind == Kind::Softmax ? "softmax" : kKind == Kind::LogSoftmax ? "log_softmax" : "hardmax";
    auto fn = kKind == Kind::Softmax ? &mote::softmax<T> : kKind == Kind::LogSoftmax ? &mote::log_softmax<T> : &mote::hardmax<T>;
    return bind_kernel("mote/softmax.h", std::string("mote::") + name + "<" + cpp_type<T>() + ">", "mote::SoftmaxParams", p, fn,
                       {KernelArg::input(0), KernelArg::output(0)});
  })};
}

// ---- com.microsoft.QLinearSoftmax: X, X_scale, x_zero_point, y_scale, y_zero_point ----

struct QLinearSoftmaxAttrs : AttrsOf<QLinearSoftmaxAttrs> {
  int64_t axis = -1;
  int64_t opset = 13;  // the Softmax semantics (flattening before 13)
  template <class V>
  void fields(V& v) {
    v("axis", axis);
    v.required("opset", opset);
  }
};

using QuantTypes = TypeList<int8_t, uint8_t>;
constexpr int64_t kMaxInverseScaleQ16 = int64_t{1} << 31;  // an int32 parameter (y_scale > 2^-15)

int64_t inverse_scale_q16(float y_scale) { return std::llround(65536.0 / static_cast<double>(y_scale)); }

void infer_qlinear_softmax(InferContext& c) {
  c.require_inputs(4, 5);
  c.require_outputs(1, 1);
  c.require_dtype(0, dtype_set<QuantTypes>());
  if (c.has_input(2)) c.require_same_dtype(0, 2);
  for (size_t s : {size_t{1}, size_t{3}}) {
    c.require_dtype(s, DTypeSet{DType::Float32});
    if (c.shape(s).numel() != 1) c.invalid("scales must be scalars");
  }
  const auto& a = c.attrs<QLinearSoftmaxAttrs>();
  c.axis(a.axis, std::max(1, c.rank(0)));
  const Tensor* y_scale = c.known_input(3);
  if (!y_scale || !c.known_input(1)) c.unsupported("scales must be known at compile time");
  const float ys = scalar_scale(*y_scale);
  if (!(ys > 0.0f) || inverse_scale_q16(ys) >= kMaxInverseScaleQ16) c.unsupported("y_scale " + std::to_string(ys) + " is out of range");
  c.set_output(0, c.has_input(4) ? c.dtype(4) : c.dtype(0), c.shape(0));
}

std::vector<KernelCall> lower_qlinear_softmax(LowerContext& c) {
  const auto& a = c.attrs<QLinearSoftmaxAttrs>();
  QSoftmaxParams q{};
  q.softmax = softmax_params(c.input(0).shape, a.axis, static_cast<int>(a.opset));
  q.inverse_scale_q16 = static_cast<int32_t>(inverse_scale_q16(scalar_scale(c.constant_input(3))));
  q.y_zero = scalar_zero(c.known_input(4));
  // exp(-d * x_scale) in Q20 for every distance d from the row maximum.
  const double x_scale = scalar_scale(c.constant_input(1));
  std::vector<int32_t> table(256);
  for (int d = 0; d < 256; ++d) table[static_cast<size_t>(d)] = static_cast<int32_t>(std::llround(std::exp(-d * x_scale) * 1048576.0));
  auto exp_table = std::make_shared<const Tensor>(Tensor::from_values<int32_t>(Shape{256}, table));
  return {dispatch_in<QuantTypes>(c.input(0).dtype, [&](auto tag) {
    using Q = typename decltype(tag)::type;
    MOTE_CHECK(c.output(0).dtype == c.input(0).dtype, "QLinearSoftmax: input and output types differ");
    return bind_kernel("mote/quantized.h", "mote::qsoftmax<" + cpp_type<Q>() + ">", "mote::QSoftmaxParams", q, &mote::qsoftmax<Q>,
                       {KernelArg::input(0), KernelArg::constant_tensor(exp_table), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kQLinearSoftmax = {"com.microsoft", "QLinearSoftmax", make_attrs<QLinearSoftmaxAttrs>, infer_qlinear_softmax,
                                      lower_qlinear_softmax, {}};

namespace {

// Softmax of a dequantized 8-bit tensor, quantized to the same type, becomes QLinearSoftmax.
Node* quantized_softmax(Graph& graph, const Node& node, const QdqPattern& pattern, const Node* before) {
  const auto& x = pattern.inputs[0];
  if (!per_tensor_8bit(x) || pattern.activation || pattern.output.integer->dtype != x->integer->dtype) return nullptr;
  const float ys = scalar_scale(*pattern.output.scale->constant);
  if (!(ys > 0.0f) || inverse_scale_q16(ys) >= kMaxInverseScaleQ16) return nullptr;
  auto attrs = std::make_unique<QLinearSoftmaxAttrs>();
  attrs->axis = resolved_axis(node.opset, node.attrs_as<SoftmaxAttrs>());
  attrs->opset = node.opset;
  return graph.add_node(&kQLinearSoftmax, node.name, std::move(attrs),
                        {x->integer, x->scale, zero_point_or_zero(graph, *x), pattern.output.scale,
                         zero_point_or_zero(graph, pattern.output)},
                        {pattern.output.integer}, 1, before);
}

}  // namespace

extern const OpDef kLogSoftmax;
extern const OpDef kSoftmax = {"",      "Softmax", make_attrs<SoftmaxAttrs>, infer, lower<Kind::Softmax>, {}, nullptr, nullptr, nullptr,
                               nullptr, nullptr, nullptr, nullptr, quantized_softmax, nullptr, &kLogSoftmax};
extern const OpDef kLogSoftmax = {"", "LogSoftmax", make_attrs<SoftmaxAttrs>, infer, lower<Kind::LogSoftmax>, {}};
extern const OpDef kHardmax = {"", "Hardmax", make_attrs<SoftmaxAttrs>, infer, lower<Kind::Hardmax>, {}};

}  // namespace mote::ops
