// Elementwise binary ops with numpy broadcasting (and the pre-opset-7 "broadcast" attribute),
// and the variadic Sum / Mean / Max / Min, which lower to a chain of binary kernels.
#include "compiler/ops/binary.h"

#include "compiler/ops/broadcast.h"
#include "compiler/ops/common_attrs.h"
#include "compiler/ops/elementwise_calls.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/qdq.h"

namespace mote::ops {

extern const OpDef kQLinearAdd;
extern const OpDef kQLinearMul;
namespace {

// How input B lines up with A. From opset 7 that is numpy broadcasting, so B as is; before,
// B broadcasts only with broadcast=1, its dims matched to A's starting at `axis`.
Shape aligned_b(const Node& node, const Shape& a, const Shape& b) {
  auto* legacy = dynamic_cast<const BinaryAttrs*>(node.attrs.get());
  if (node.opset >= 7 || !legacy || !legacy->broadcast) return b;
  int64_t axis = legacy->axis ? *legacy->axis : a.rank() - b.rank();
  if (axis < 0) axis += a.rank();
  if (axis < 0 || axis + b.rank() > a.rank()) return b;  // reported by the shape check
  std::vector<int64_t> dims(static_cast<size_t>(a.rank()), 1);
  for (int i = 0; i < b.rank(); ++i) dims[static_cast<size_t>(axis + i)] = b[i];
  return Shape(dims);
}

Shape broadcast_output(InferContext& c) {
  const Shape& a = c.shape(0);
  Shape b = aligned_b(c.node(), a, c.shape(1));
  auto* legacy = dynamic_cast<const BinaryAttrs*>(c.node().attrs.get());
  if (c.opset() < 7 && legacy && !legacy->broadcast && a != b && b.numel() != 1)
    c.invalid("inputs have shapes " + a.to_string() + " and " + b.to_string() +
              " but broadcast=0 (opset " + std::to_string(c.opset()) + ")");
  Shape out;
  if (!broadcast_shapes(a, b, out))
    c.invalid("cannot broadcast shapes " + a.to_string() + " and " + c.shape(1).to_string());
  // Legacy broadcasting only stretches B over A: the result has A's shape.
  if (c.opset() < 7 && legacy && legacy->broadcast && out != a)
    c.invalid("with broadcast=1 (opset " + std::to_string(c.opset()) + ") B of shape " + c.shape(1).to_string() +
              " must fit into A of shape " + a.to_string());
  return out;
}

BroadcastParams binary_params(const LowerContext& c) {
  const Shape& a = c.input(0).shape;
  return make_broadcast_params(c.output(0).shape, {a, aligned_b(c.node(), a, c.input(1).shape)});
}

enum class Result { SameAsInput, Bool };

template <class Op, class Types, class A, Result kResult = Result::SameAsInput>
struct BinaryOp {
  static void infer(InferContext& c) {
    c.require_inputs(2, 2);
    c.require_outputs(1, 1);
    c.require_dtype(0, dtype_set<Types>());
    c.require_same_dtype(0, 1);
    c.set_output(0, kResult == Result::Bool ? DType::Bool : c.dtype(0), broadcast_output(c));
  }

  static std::vector<KernelCall> lower(LowerContext& c) {
    BroadcastParams params = binary_params(c);
    return {dispatch_in<Types>(c.input(0).dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      using U = std::conditional_t<kResult == Result::Bool, bool, T>;
      return binary_kernel<Op, T, T, U>(params, KernelArg::input(0), KernelArg::input(1),
                                        KernelArg::output(0));
    })};
  }
};

constexpr OpTraits kElementwise{true, false, false};

// Pow's exponent may have another type than its base.
using PowBaseTypes = TypeList<float, double, float16, bfloat16, int32_t, int64_t>;
using PowExponentTypes = Concat<FloatTypes, TypeList<int8_t, int16_t, int32_t, int64_t, uint8_t,
                                                     uint16_t, uint32_t, uint64_t>>;

void infer_pow(InferContext& c) {
  c.require_inputs(2, 2);
  c.require_dtype(0, dtype_set<PowBaseTypes>());
  c.require_dtype(1, dtype_set<PowExponentTypes>());
  c.set_output(0, c.dtype(0), broadcast_output(c));
}

std::vector<KernelCall> lower_pow(LowerContext& c) {
  BroadcastParams params = binary_params(c);
  return {dispatch_in<PowBaseTypes>(c.input(0).dtype, [&](auto base) {
    using T = typename decltype(base)::type;
    return dispatch_in<PowExponentTypes>(c.input(1).dtype, [&](auto exponent) {
      using E = typename decltype(exponent)::type;
      return binary_kernel<op::Pow, T, E, T>(params, KernelArg::input(0), KernelArg::input(1),
                                             KernelArg::output(0));
    });
  })};
}

void infer_mod(InferContext& c) {
  BinaryOp<op::Mod, NumericTypes, ModAttrs>::infer(c);
  if (is_float(c.dtype(0)) && !c.attrs<ModAttrs>().fmod)
    c.invalid("fmod must be 1 for floating-point inputs");
}

std::vector<KernelCall> lower_mod(LowerContext& c) {
  if (c.attrs<ModAttrs>().fmod) return BinaryOp<op::FMod, NumericTypes, ModAttrs>::lower(c);
  return BinaryOp<op::Mod, NumericTypes, ModAttrs>::lower(c);
}

void infer_bit_shift(InferContext& c) {
  BinaryOp<op::BitShiftLeft, UnsignedIntTypes, BitShiftAttrs>::infer(c);
}

std::vector<KernelCall> lower_bit_shift(LowerContext& c) {
  if (c.attrs<BitShiftAttrs>().direction == ShiftDirection::Left)
    return BinaryOp<op::BitShiftLeft, UnsignedIntTypes, BitShiftAttrs>::lower(c);
  return BinaryOp<op::BitShiftRight, UnsignedIntTypes, BitShiftAttrs>::lower(c);
}

// PRelu's slope broadcasts to X (one direction only). Before opset 7 a 1-D slope of C values
// applied per channel (axis 1).
Shape prelu_slope_shape(const Node& node, const Shape& x, const Shape& slope) {
  if (node.opset < 7 && slope.rank() == 1 && x.rank() >= 2 && slope[0] == x[1] && slope[0] != 1) {
    std::vector<int64_t> dims(static_cast<size_t>(x.rank() - 1), 1);
    dims[0] = slope[0];
    return Shape(dims);
  }
  return slope;
}

using PReluTypes = Concat<FloatTypes, TypeList<int32_t, int64_t, uint32_t, uint64_t>>;

void infer_prelu(InferContext& c) {
  c.require_inputs(2, 2);
  c.require_dtype(0, dtype_set<PReluTypes>());
  c.require_same_dtype(0, 1);
  Shape out;
  Shape slope = prelu_slope_shape(c.node(), c.shape(0), c.shape(1));
  if (!broadcast_shapes(c.shape(0), slope, out) || out != c.shape(0))
    c.invalid("slope of shape " + c.shape(1).to_string() + " does not broadcast to X of shape " +
              c.shape(0).to_string());
  c.set_output(0, c.dtype(0), c.shape(0));
}

std::vector<KernelCall> lower_prelu(LowerContext& c) {
  const Shape& x = c.input(0).shape;
  BroadcastParams params =
      make_broadcast_params(x, {x, prelu_slope_shape(c.node(), x, c.input(1).shape)});
  return {dispatch_in<PReluTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return binary_kernel<op::PRelu, T, T, T>(params, KernelArg::input(0), KernelArg::input(1),
                                             KernelArg::output(0));
  })};
}

// Sum / Mean / Max / Min over any number of inputs: y = x0 op x1, then y = y op xk; Mean
// divides at the end. Each step broadcasts straight to the final shape.
template <class Op, class Types, bool kMean>
struct VariadicOp {
  static void infer(InferContext& c) {
    if (c.num_inputs() < 1) c.invalid("needs at least one input");
    c.require_outputs(1, 1);
    c.require_dtype(0, dtype_set<Types>());
    Shape out = c.shape(0);
    for (size_t i = 1; i < c.num_inputs(); ++i) {
      c.require_same_dtype(0, i);
      Shape next;
      if (!broadcast_shapes(out, c.shape(i), next))
        c.invalid("cannot broadcast input " + std::to_string(i) + " of shape " +
                  c.shape(i).to_string() + " with " + out.to_string());
      out = next;
    }
    c.set_output(0, c.dtype(0), out);
  }

  static std::vector<KernelCall> lower(LowerContext& c) {
    const Shape& out = c.output(0).shape;
    return dispatch_in<Types>(c.input(0).dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      // One input: the sum, mean, max and min of x alone are x.
      if (c.num_inputs() == 1)
        return std::vector<KernelCall>{
            copy_kernel<T>(out.numel(), KernelArg::input(0), KernelArg::output(0))};
      std::vector<KernelCall> calls;
      calls.push_back(binary_kernel<Op, T, T, T>(
          make_broadcast_params(out, {c.input(0).shape, c.input(1).shape}), KernelArg::input(0),
          KernelArg::input(1), KernelArg::output(0)));
      for (size_t i = 2; i < c.num_inputs(); ++i)
        calls.push_back(binary_kernel<Op, T, T, T>(
            make_broadcast_params(out, {out, c.input(i).shape}), KernelArg::output(0),
            KernelArg::input(static_cast<int>(i)), KernelArg::output(0)));
      if constexpr (kMean) {
        UnaryParams divide{static_cast<int32_t>(out.numel()), static_cast<float>(c.num_inputs()),
                           0.0f, 0.0f};
        calls.push_back(
            unary_kernel<op::DivideBy, T, T>(divide, KernelArg::output(0), KernelArg::output(0)));
      }
      return calls;
    });
  }
};

// Mul or Add of a float32 tensor (axis 1 = channels) and a constant that is a scalar or varies
// only along axis 1.
template <bool kMul>
bool as_channel_affine(const Node& node, ChannelAffine& affine) {
  const Value* out = node.outputs[0];
  if (!out || out->dtype != DType::Float32 || out->shape.rank() < 2 || node.inputs.size() != 2) return false;
  const bool first_constant = node.inputs[0]->is_constant();
  const Value* constant = node.inputs[first_constant ? 0 : 1];
  const Value* data = node.inputs[first_constant ? 1 : 0];
  if (!constant->is_constant() || data->is_constant() || data->shape != out->shape) return false;
  const int64_t channels = out->shape[1], count = constant->shape.numel();
  if (count != 1) {
    // Right-aligned against the output, only the channel axis may differ from 1.
    const int offset = out->shape.rank() - constant->shape.rank();
    for (int d = 0; d < constant->shape.rank(); ++d)
      if (constant->shape[d] != 1 && (d + offset != 1 || constant->shape[d] != channels)) return false;
  }
  affine.data_input = first_constant ? 1 : 0;
  const float* values = constant->constant->data<float>();
  for (int64_t c = 0; c < count; ++c) {
    affine.scale.push_back(kMul ? static_cast<double>(values[c]) : 1.0);
    affine.shift.push_back(kMul ? 0.0 : static_cast<double>(values[c]));
  }
  return true;
}

// Add or Mul (numpy broadcasting) of two dequantized 8-bit (or symmetric int16) tensors of the
// output's type becomes com.microsoft.QLinearAdd or QLinearMul.
template <const OpDef* kIntegerForm>
Node* quantized_binary(Graph& graph, const Node& node, const QdqPattern& pattern, const Node* before) {
  const auto& a = pattern.inputs[0];
  const auto& b = pattern.inputs[1];
  if (node.opset < 7 || !per_tensor_activation(a) || !per_tensor_activation(b) || a->integer->dtype != b->integer->dtype ||
      pattern.output.integer->dtype != a->integer->dtype || !per_tensor_activation(pattern.output))
    return nullptr;
  Node* q = graph.add_node(kIntegerForm, node.name, nullptr,
                           {a->integer, a->scale, zero_point_or_zero(graph, *a), b->integer, b->scale, zero_point_or_zero(graph, *b),
                            pattern.output.scale, zero_point_or_zero(graph, pattern.output)},
                           {pattern.output.integer}, 1, before);
  q->activation = pattern.activation;
  return q;
}

}  // namespace

#define MOTE_BINARY(Name, Types, ...)                                                    \
  extern const OpDef k##Name = {"", #Name, make_attrs<BinaryAttrs>,                      \
                                BinaryOp<op::Name, Types, BinaryAttrs, ##__VA_ARGS__>::infer, \
                                BinaryOp<op::Name, Types, BinaryAttrs, ##__VA_ARGS__>::lower, \
                                kElementwise};
#define MOTE_AFFINE_BINARY(Name, kMul, quantized)                                                      \
  extern const OpDef k##Name = {"",                                                                   \
                                #Name,                                                                \
                                make_attrs<BinaryAttrs>,                                              \
                                BinaryOp<op::Name, NumericTypes, BinaryAttrs>::infer,                 \
                                BinaryOp<op::Name, NumericTypes, BinaryAttrs>::lower,                 \
                                kElementwise,                                                         \
                                nullptr,                                                              \
                                as_channel_affine<kMul>,                                              \
                                nullptr,                                                              \
                                nullptr,                                                              \
                                nullptr,                                                              \
                                nullptr,                                                              \
                                nullptr,                                                              \
                                quantized};
MOTE_AFFINE_BINARY(Add, false, quantized_binary<&kQLinearAdd>)
MOTE_AFFINE_BINARY(Mul, true, quantized_binary<&kQLinearMul>)
#undef MOTE_AFFINE_BINARY
MOTE_BINARY(Sub, NumericTypes)
MOTE_BINARY(Div, NumericTypes)
MOTE_BINARY(And, BoolTypes, Result::Bool)
MOTE_BINARY(Or, BoolTypes, Result::Bool)
MOTE_BINARY(Xor, BoolTypes, Result::Bool)
MOTE_BINARY(Equal, AllTypes, Result::Bool)
MOTE_BINARY(Less, NumericTypes, Result::Bool)
MOTE_BINARY(LessOrEqual, NumericTypes, Result::Bool)
MOTE_BINARY(Greater, NumericTypes, Result::Bool)
MOTE_BINARY(GreaterOrEqual, NumericTypes, Result::Bool)
#undef MOTE_BINARY

extern const OpDef kPow = {"", "Pow", make_attrs<BinaryAttrs>, infer_pow, lower_pow, kElementwise};
extern const OpDef kMod = {"", "Mod", make_attrs<ModAttrs>, infer_mod, lower_mod, kElementwise};
extern const OpDef kBitShift = {"", "BitShift", make_attrs<BitShiftAttrs>, infer_bit_shift,
                                lower_bit_shift, kElementwise};
extern const OpDef kPRelu = {"", "PRelu", make_attrs<ConsumedInputsAttrs>, infer_prelu,
                             lower_prelu, kElementwise};

#define MOTE_VARIADIC(Name, Functor, Types, kMean)                                          \
  extern const OpDef k##Name = {"", #Name, make_attrs<ConsumedInputsAttrs>,                 \
                                VariadicOp<op::Functor, Types, kMean>::infer,               \
                                VariadicOp<op::Functor, Types, kMean>::lower, kElementwise};
MOTE_VARIADIC(Sum, Add, FloatTypes, false)
MOTE_VARIADIC(Mean, Add, FloatTypes, true)
MOTE_VARIADIC(Max, Max, NumericTypes, false)
MOTE_VARIADIC(Min, Min, NumericTypes, false)
#undef MOTE_VARIADIC

}  // namespace mote::ops
