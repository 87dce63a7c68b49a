// com.microsoft.QLinearConcat (ONNX Runtime's quantized Concat, and what fuse_qdq makes of a
// quantized one): Y_scale, Y_zero_point, then X, X_scale, X_zero_point for each input; attribute
// axis. An input quantized like the output is copied into its slice; any other goes through a
// 256-entry table, quantize(dequantize(x)) computed at compile time, on its way there.
#include "compiler/ops/concat.h"
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/quant_math.h"
#include "mote/quantized.h"

namespace mote::ops {
namespace {

using QuantTypes = TypeList<int8_t, uint8_t>;
constexpr size_t kYScale = 0, kYZero = 1, kFirstInput = 2, kPerInput = 3;

size_t input_count(const InferContext& c) { return (c.num_inputs() - kFirstInput) / kPerInput; }

void require_known_scalar(InferContext& c, size_t input, const char* what) {
  if (c.shape(input).numel() != 1 || !c.known_input(input))
    c.unsupported(std::string(what) + " (input " + std::to_string(input) + ") must be a scalar known at compile time");
}

void infer(InferContext& c) {
  c.require_outputs(1, 1);
  if (c.num_inputs() < kFirstInput + kPerInput || (c.num_inputs() - kFirstInput) % kPerInput != 0)
    c.invalid("expects Y_scale, Y_zero_point and then (X, X_scale, X_zero_point) per input, not " + std::to_string(c.num_inputs()) +
              " inputs");
  if (!c.attrs<ConcatAttrs>().axis) c.invalid("required attribute 'axis' is missing");
  c.require_dtype(kYZero, dtype_set<QuantTypes>());
  std::vector<size_t> data;
  for (size_t i = 0; i < input_count(c); ++i) {
    const size_t x = kFirstInput + i * kPerInput;
    c.require_dtype(x + 1, DTypeSet{DType::Float32});
    c.require_same_dtype(kYZero, x);
    c.require_same_dtype(kYZero, x + 2);
    require_known_scalar(c, x + 1, "X_scale");
    require_known_scalar(c, x + 2, "X_zero_point");
    data.push_back(x);
  }
  c.require_dtype(kYScale, DTypeSet{DType::Float32});
  require_known_scalar(c, kYScale, "Y_scale");
  require_known_scalar(c, kYZero, "Y_zero_point");
  infer_concat(c, data, *c.attrs<ConcatAttrs>().axis);
}

std::vector<KernelCall> lower(LowerContext& c) {
  const Shape& out = c.output(0).shape;
  int64_t axis = *c.attrs<ConcatAttrs>().axis;
  if (axis < 0) axis += out.rank();
  const size_t count = (c.num_inputs() - kFirstInput) / kPerInput;
  std::vector<Shape> shapes;
  for (size_t i = 0; i < count; ++i) shapes.push_back(c.input(kFirstInput + i * kPerInput).shape);
  const std::vector<StridedCopy> copies = concat_slices(shapes, out, axis);
  const float y_scale = scalar_scale(c.constant_input(kYScale));
  const int32_t y_zero = scalar_zero(c.known_input(kYZero));
  const DType type = c.output(0).dtype;
  std::vector<KernelCall> calls;
  for (size_t i = 0; i < count; ++i) {
    const size_t x = kFirstInput + i * kPerInput;
    if (shapes[i].numel() == 0) continue;
    const KernelArg in = KernelArg::input(static_cast<int>(x)), y = KernelArg::output(0);
    const float x_scale = scalar_scale(c.constant_input(x + 1));
    const int32_t x_zero = scalar_zero(c.known_input(x + 2));
    if (x_scale == y_scale && x_zero == y_zero) {
      calls.push_back(strided_copy_kernel(type, copies[i], in, y));
      continue;
    }
    // As ONNX Runtime: QuantizeLinear(DequantizeLinear(x)) in float.
    auto table = std::make_shared<const Tensor>(requantization_table(type, x_scale, x_zero, type, y_scale, y_zero));
    const StridedCopyParams p = make_strided_copy_params(copies[i]);
    calls.push_back(dispatch_in<QuantTypes>(type, [&](auto tag) {
      using Q = typename decltype(tag)::type;
      return bind_kernel("mote/quantized.h", "mote::strided_lookup<" + cpp_type<Q>() + ", " + cpp_type<Q>() + ">", "mote::StridedCopyParams", p,
                         &mote::strided_lookup<Q, Q>, {in, KernelArg::constant_tensor(table), y});
    }));
  }
  if (calls.empty())  // every input empty
    calls.push_back(strided_copy_kernel(type, contiguous_copy({0}), KernelArg::input(kFirstInput), KernelArg::output(0)));
  return calls;
}

}  // namespace

extern const OpDef kQLinearConcat = {"com.microsoft", "QLinearConcat", make_attrs<ConcatAttrs>, infer, lower, {}};

}  // namespace mote::ops
