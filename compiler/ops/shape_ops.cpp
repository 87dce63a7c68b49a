// Ops whose result is known at compile time from shapes alone (Shape, Size, EyeLike) or from
// constant inputs (ConstantOfShape, Range). Their shape rules compute the value, so the
// importer folds them immediately; the lowerings copy that constant when a pass keeps one.
#include "compiler/eval/evaluator.h"
#include "compiler/ops/elementwise_calls.h"
#include "compiler/ops/op_def.h"

namespace mote::ops {
namespace {

constexpr OpTraits kShapeOnly{false, false, true};

struct ShapeAttrs : AttrsOf<ShapeAttrs> {
  std::optional<int64_t> start, end;  // opset 15
  template <class V>
  void fields(V& v) {
    v("start", start);
    v("end", end);
  }
};

Tensor shape_value(const Node& node, const Shape& in) {
  const auto& a = node.attrs_as<ShapeAttrs>();
  const int64_t rank = in.rank();
  auto clamp = [&](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
  const int64_t start = a.start ? clamp(*a.start) : 0, end = a.end ? clamp(*a.end) : rank;
  std::vector<int64_t> dims;
  for (int64_t i = start; i < end; ++i) dims.push_back(in[static_cast<int>(i)]);
  return Tensor::from_values<int64_t>(Shape{static_cast<int64_t>(dims.size())}, dims);
}

void infer_shape(InferContext& c) {
  c.require_inputs(1, 1);
  c.set_output_constant(0, shape_value(c.node(), c.shape(0)));
}

void infer_size(InferContext& c) {
  c.require_inputs(1, 1);
  c.set_output_constant(0, Tensor::scalar<int64_t>(c.shape(0).numel()));
}

std::vector<KernelCall> lower_shape(LowerContext& c) {
  return {constant_output_kernel(std::make_shared<const Tensor>(shape_value(c.node(), c.input(0).shape)))};
}

std::vector<KernelCall> lower_size(LowerContext& c) {
  return {constant_output_kernel(std::make_shared<const Tensor>(Tensor::scalar<int64_t>(c.input(0).shape.numel())))};
}

struct ConstantOfShapeAttrs : AttrsOf<ConstantOfShapeAttrs> {
  TensorPtr value;  // one element; default float 0
  template <class V>
  void fields(V& v) {
    v("value", value);
  }
};

Tensor filled(const Node& node, const Shape& shape) {
  const TensorPtr& value = node.attrs_as<ConstantOfShapeAttrs>().value;
  Tensor one = value ? *value : Tensor::scalar<float>(0.0f);
  Tensor out(one.dtype(), shape);
  const size_t size = dtype_size(one.dtype());
  for (int64_t i = 0; i < out.numel(); ++i) std::memcpy(out.raw() + i * static_cast<int64_t>(size), one.raw(), size);
  return out;
}

void infer_constant_of_shape(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_dtype(0, DTypeSet{DType::Int64});
  const TensorPtr& value = c.attrs<ConstantOfShapeAttrs>().value;
  if (value && value->numel() != 1) c.invalid("value must hold exactly one element");
  std::vector<int64_t> dims = c.constant_input(0, "shape").to_int64_vector();
  for (int64_t d : dims)
    if (d < 0) c.invalid("negative dimension " + std::to_string(d));
  Shape shape(dims);
  c.set_output(0, value ? value->dtype() : DType::Float32, shape);
}

std::vector<KernelCall> lower_constant_of_shape(LowerContext& c) {
  return {constant_output_kernel(std::make_shared<const Tensor>(filled(c.node(), c.output(0).shape)))};
}

void infer_range(InferContext& c) {
  c.require_inputs(3, 3);
  c.require_dtype(0, DTypeSet{DType::Float32, DType::Float64, DType::Int16, DType::Int32, DType::Int64});
  c.require_same_dtype(0, 1);
  c.require_same_dtype(0, 2);
  const double start = c.constant_input(0, "start").as_double(0), limit = c.constant_input(1, "limit").as_double(0),
               delta = c.constant_input(2, "delta").as_double(0);
  if (delta == 0) c.invalid("delta must not be 0");
  const double count = std::ceil((limit - start) / delta);
  if (!(count < static_cast<double>(kMaxElements))) c.invalid("the range is too long");
  c.set_output(0, c.dtype(0), Shape{count > 0 ? static_cast<int64_t>(count) : 0});
}

std::vector<KernelCall> lower_range(LowerContext& c) {
  const int64_t count = c.output(0).shape.numel();
  return {dispatch_in<TypeList<float, double, int16_t, int32_t, int64_t>>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return bind_kernel("mote/elementwise.h", "mote::iota<" + cpp_type<T>() + ">", "mote::CopyParams",
                       CopyParams{static_cast<int32_t>(count)}, &mote::iota<T>,
                       {KernelArg::input(0), KernelArg::input(2), KernelArg::output(0)});
  })};
}

struct EyeLikeAttrs : AttrsOf<EyeLikeAttrs> {
  std::optional<int64_t> dtype;
  int64_t k = 0;
  template <class V>
  void fields(V& v) {
    v("dtype", dtype);
    v("k", k);
  }
};

Tensor eye(const Node& node, DType dtype, const Shape& shape) {
  Tensor out(dtype, shape);
  const int64_t k = node.attrs_as<EyeLikeAttrs>().k;
  Tensor one = Tensor::scalar<int64_t>(1).cast(dtype);
  const size_t size = dtype_size(dtype);
  for (int64_t r = 0; r < shape[0]; ++r) {
    const int64_t col = r + k;
    if (col >= 0 && col < shape[1]) std::memcpy(out.raw() + (r * shape[1] + col) * static_cast<int64_t>(size), one.raw(), size);
  }
  return out;
}

DType eye_dtype(InferContext& c) {
  const auto& a = c.attrs<EyeLikeAttrs>();
  if (!a.dtype) return c.dtype(0);
  std::optional<DType> d = dtype_from_onnx(static_cast<int>(*a.dtype));
  if (!d) c.unsupported("dtype " + std::to_string(*a.dtype) + " is not supported");
  return *d;
}

void infer_eye_like(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_rank(0, 2, 2);
  c.set_output_constant(0, eye(c.node(), eye_dtype(c), c.shape(0)));
}

std::vector<KernelCall> lower_eye_like(LowerContext& c) {
  return {constant_output_kernel(std::make_shared<const Tensor>(eye(c.node(), c.output(0).dtype, c.output(0).shape)))};
}

}  // namespace

extern const OpDef kShape = {"", "Shape", make_attrs<ShapeAttrs>, infer_shape, lower_shape, kShapeOnly};
extern const OpDef kSize = {"", "Size", make_attrs<NoAttrs>, infer_size, lower_size, kShapeOnly};
extern const OpDef kConstantOfShape = {"", "ConstantOfShape", make_attrs<ConstantOfShapeAttrs>, infer_constant_of_shape,
                                       lower_constant_of_shape, {}};
extern const OpDef kRange = {"", "Range", make_attrs<NoAttrs>, infer_range, lower_range, {}};
extern const OpDef kEyeLike = {"", "EyeLike", make_attrs<EyeLikeAttrs>, infer_eye_like, lower_eye_like, kShapeOnly};

}  // namespace mote::ops
