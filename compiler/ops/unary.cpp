// Elementwise unary ops. Each is one row at the bottom: the ONNX name (which is also the
// runtime-min functor mote::op::<Name>), the element types it takes, its attributes and how
// they become UnaryParams.
#include "compiler/ops/unary.h"

#include <type_traits>

#include "compiler/ops/elementwise_calls.h"
#include "compiler/ops/op_def.h"

namespace mote::ops {
namespace {

enum class Result { SameAsInput, Bool };

template <class Op, class Types, class A, UnaryParams (*MakeParams)(const A&),
          Result kResult = Result::SameAsInput>
struct UnaryOp {
  static void infer(InferContext& c) {
    c.require_inputs(1, 1);
    c.require_outputs(1, 1);
    c.require_dtype(0, dtype_set<Types>());
    c.set_output(0, kResult == Result::Bool ? DType::Bool : c.dtype(0), c.shape(0));
  }

  static std::vector<KernelCall> lower(LowerContext& c) {
    UnaryParams params = MakeParams(c.attrs<A>());
    params.count = static_cast<int32_t>(c.input(0).shape.numel());
    return {dispatch_in<Types>(c.input(0).dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      using U = std::conditional_t<kResult == Result::Bool, bool, T>;
      return unary_kernel<Op, T, U>(params, KernelArg::input(0), KernelArg::output(0));
    })};
  }
};

template <class A>
UnaryParams no_params(const A&) {
  return {};
}
template <class A>
UnaryParams alpha_param(const A& a) {
  return {0, a.alpha, 0.0f, 0.0f};
}
UnaryParams selu_params(const SeluAttrs& a) { return {0, a.alpha, 0.0f, a.gamma}; }
UnaryParams hard_sigmoid_params(const HardSigmoidAttrs& a) { return {0, a.alpha, a.beta, 0.0f}; }
UnaryParams shrink_params(const ShrinkAttrs& a) { return {0, a.bias, a.lambd, 0.0f}; }
UnaryParams is_inf_params(const IsInfAttrs& a) {
  return {0, a.detect_positive ? 1.0f : 0.0f, a.detect_negative ? 1.0f : 0.0f, 0.0f};
}

constexpr OpTraits kElementwise{true, false, false};

}  // namespace

// A unary op that a producer can apply in its store: alpha and beta come from MakeParams.
template <FusedActivation::Kind kKind, class A, UnaryParams (*MakeParams)(const A&)>
bool as_activation(const Node& node, FusedActivation& out) {
  const UnaryParams p = MakeParams(node.attrs_as<A>());
  out = {kKind, p.alpha, p.beta};
  return true;
}

#define MOTE_UNARY(Name, Types, Attrs, MakeParams, ...)                                  \
  extern const OpDef k##Name = {"", #Name, make_attrs<Attrs>,                            \
                                UnaryOp<op::Name, Types, Attrs, MakeParams, ##__VA_ARGS__>::infer, \
                                UnaryOp<op::Name, Types, Attrs, MakeParams, ##__VA_ARGS__>::lower, \
                                kElementwise};
#define MOTE_ACTIVATION(Name, Types, Attrs, MakeParams)                                                        \
  extern const OpDef k##Name = {"",                                                                            \
                                #Name,                                                                         \
                                make_attrs<Attrs>,                                                             \
                                UnaryOp<op::Name, Types, Attrs, MakeParams>::infer,                            \
                                UnaryOp<op::Name, Types, Attrs, MakeParams>::lower,                            \
                                kElementwise,                                                                  \
                                as_activation<FusedActivation::Kind::Name, Attrs, MakeParams>};

MOTE_ACTIVATION(Relu, SignedNumericTypes, ConsumedInputsAttrs, no_params<ConsumedInputsAttrs>)
MOTE_ACTIVATION(LeakyRelu, FloatTypes, LeakyReluAttrs, alpha_param<LeakyReluAttrs>)
MOTE_UNARY(ThresholdedRelu, FloatTypes, ThresholdedReluAttrs, alpha_param<ThresholdedReluAttrs>)
MOTE_UNARY(Elu, FloatTypes, EluAttrs, alpha_param<EluAttrs>)
MOTE_UNARY(Selu, FloatTypes, SeluAttrs, selu_params)
MOTE_UNARY(Celu, FloatTypes, CeluAttrs, alpha_param<CeluAttrs>)
MOTE_ACTIVATION(HardSigmoid, FloatTypes, HardSigmoidAttrs, hard_sigmoid_params)
MOTE_ACTIVATION(HardSwish, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_ACTIVATION(Sigmoid, FloatTypes, ConsumedInputsAttrs, no_params<ConsumedInputsAttrs>)
MOTE_ACTIVATION(Tanh, FloatTypes, ConsumedInputsAttrs, no_params<ConsumedInputsAttrs>)
MOTE_UNARY(Softplus, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Softsign, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Shrink, NumericTypes, ShrinkAttrs, shrink_params)
MOTE_UNARY(Exp, FloatTypes, ConsumedInputsAttrs, no_params<ConsumedInputsAttrs>)
MOTE_UNARY(Log, FloatTypes, ConsumedInputsAttrs, no_params<ConsumedInputsAttrs>)
MOTE_UNARY(Sqrt, FloatTypes, ConsumedInputsAttrs, no_params<ConsumedInputsAttrs>)
MOTE_UNARY(Reciprocal, FloatTypes, ConsumedInputsAttrs, no_params<ConsumedInputsAttrs>)
MOTE_UNARY(Floor, FloatTypes, ConsumedInputsAttrs, no_params<ConsumedInputsAttrs>)
MOTE_UNARY(Ceil, FloatTypes, ConsumedInputsAttrs, no_params<ConsumedInputsAttrs>)
MOTE_UNARY(Round, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Erf, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Sin, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Cos, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Tan, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Asin, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Acos, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Atan, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Sinh, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Cosh, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Asinh, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Acosh, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Atanh, FloatTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Abs, NumericTypes, ConsumedInputsAttrs, no_params<ConsumedInputsAttrs>)
MOTE_UNARY(Neg, SignedNumericTypes, ConsumedInputsAttrs, no_params<ConsumedInputsAttrs>)
MOTE_UNARY(Sign, NumericTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(Not, BoolTypes, NoAttrs, no_params<NoAttrs>)
MOTE_UNARY(IsNaN, FloatTypes, NoAttrs, no_params<NoAttrs>, Result::Bool)
MOTE_UNARY(IsInf, FloatTypes, IsInfAttrs, is_inf_params, Result::Bool)
#undef MOTE_UNARY
#undef MOTE_ACTIVATION

}  // namespace mote::ops
