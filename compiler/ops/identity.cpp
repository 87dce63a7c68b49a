// Identity and Dropout (inference mode). The remove_identity pass normally removes both;
// these lowerings only run when it is switched off.
#include "compiler/ops/common_attrs.h"
#include "compiler/ops/elementwise_calls.h"
#include "compiler/ops/op_def.h"

namespace mote::ops {
namespace {

void infer_identity(InferContext& c) {
  c.require_inputs(1, 1);
  c.require_outputs(1, 1);
  c.set_output(0, c.dtype(0), c.shape(0));
}

std::vector<KernelCall> lower_identity(LowerContext& c) {
  return {copy_input_kernel(c.input(0).dtype, c.input(0).shape.numel())};
}

struct DropoutAttrs : AttrsOf<DropoutAttrs> {
  float ratio = 0.5f;                                    // opset < 12; input from 12
  std::optional<int64_t> is_test;                        // opset < 7
  std::optional<int64_t> seed;                           // opset 12+
  std::optional<std::vector<int64_t>> consumed_inputs;   // opset 1 hint
  template <class V>
  void fields(V& v) {
    v("ratio", ratio);
    v("is_test", is_test);
    v("seed", seed);
    v("consumed_inputs", consumed_inputs);
  }
};

void infer_dropout(InferContext& c) {
  c.require_inputs(1, 3);
  c.require_outputs(1, 2);
  const auto& a = c.attrs<DropoutAttrs>();
  if (a.is_test && *a.is_test == 0)
    c.unsupported("is_test=0 asks for training-mode (random) dropout; Mote compiles inference only");
  if (c.has_input(2)) {
    // Training mode drops random elements, except with ratio 0, where it is the identity; so
    // whether this node is deterministic must be known at compile time.
    const Tensor& training = c.constant_input(2, "training_mode");
    const bool is_training = training.numel() != 1 || training.as_int64(0) != 0;
    const double ratio = c.has_input(1) ? c.constant_input(1, "ratio").as_double(0) : 0.5;
    if (is_training && ratio != 0.0)
      c.unsupported("training-mode dropout with ratio " + std::to_string(ratio) + " is random; Mote compiles deterministic models");
  }
  c.set_output(0, c.dtype(0), c.shape(0));
  c.set_output(1, c.opset() >= 10 ? DType::Bool : c.dtype(0), c.shape(0));
}

std::vector<KernelCall> lower_dropout(LowerContext& c) {
  std::vector<KernelCall> calls{lower_identity(c)};
  if (c.num_outputs() > 1 && c.node().outputs[1]) {
    const Value& mask = c.output(1);
    calls.push_back(dispatch_in<AllTypes>(mask.dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      auto one = std::make_shared<const Tensor>(Tensor::scalar<T>(convert<T>(1)));
      return bind_kernel("mote/elementwise.h", "mote::fill<" + cpp_type<T>() + ">", "mote::CopyParams",
                         CopyParams{static_cast<int32_t>(mask.shape.numel())}, &mote::fill<T>,
                         {KernelArg::constant_tensor(one), KernelArg::output(1)});
    }));
  }
  return calls;
}

}  // namespace

extern const OpDef kIdentity = {"", "Identity", make_attrs<NoAttrs>, infer_identity, lower_identity, {false, true, false}};
extern const OpDef kDropout = {"", "Dropout", make_attrs<DropoutAttrs>, infer_dropout, lower_dropout, {false, true, false}};

}  // namespace mote::ops
