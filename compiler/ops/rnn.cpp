// LSTM, GRU and RNN: forward, reverse or bidirectional, optional sequence lengths, initial
// states, peepholes, clipping, custom activations and both layouts.
#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/rnn.h"

namespace mote::ops {
namespace {

enum class Direction { Forward, Reverse, Bidirectional };
MOTE_ENUM_NAMES(Direction, "forward", "reverse", "bidirectional")

struct RnnAttrs : AttrsOf<RnnAttrs> {
  std::vector<float> activation_alpha, activation_beta;
  std::vector<std::string> activations;
  std::optional<float> clip;
  Direction direction = Direction::Forward;
  int64_t hidden_size = 0;
  int64_t input_forget = 0;         // LSTM
  int64_t layout = 0;
  int64_t linear_before_reset = 0;  // GRU
  template <class V>
  void fields(V& v) {
    v("activation_alpha", activation_alpha);
    v("activation_beta", activation_beta);
    v("activations", activations);
    v("clip", clip);
    v("direction", direction);
    v("hidden_size", hidden_size);
    v("input_forget", input_forget);
    v("layout", layout);
    v("linear_before_reset", linear_before_reset);
  }
};

struct Activation {
  const char* name;
  int32_t kind;
  bool uses_alpha, uses_beta;
  float alpha, beta;  // ONNX defaults
};
constexpr Activation kActivations[] = {
    {"Sigmoid", kActSigmoid, false, false, 0, 0},          {"Tanh", kActTanh, false, false, 0, 0},
    {"Relu", kActRelu, false, false, 0, 0},                {"Affine", kActAffine, true, true, 1.0f, 0.0f},
    {"LeakyRelu", kActLeakyRelu, true, false, 0.01f, 0},   {"ThresholdedRelu", kActThresholdedRelu, true, false, 1.0f, 0},
    {"ScaledTanh", kActScaledTanh, true, true, 1.0f, 1.0f}, {"HardSigmoid", kActHardSigmoid, true, true, 0.2f, 0.5f},
    {"Elu", kActElu, true, false, 1.0f, 0},                {"Softsign", kActSoftsign, false, false, 0, 0},
    {"Softplus", kActSoftplus, false, false, 0, 0},
};

template <int kGates>
struct Cell;
template <>
struct Cell<kCellLstm> {
  static constexpr int kActivationCount = 3;
  static constexpr const char* kDefaults[] = {"Sigmoid", "Tanh", "Tanh"};
};
template <>
struct Cell<kCellGru> {
  static constexpr int kActivationCount = 2;
  static constexpr const char* kDefaults[] = {"Sigmoid", "Tanh"};
};
template <>
struct Cell<kCellRnn> {
  static constexpr int kActivationCount = 1;
  static constexpr const char* kDefaults[] = {"Tanh"};
};

template <class Context, int kGates>
RnnParams params(Context& c) {
  const auto& a = c.template attrs<RnnAttrs>();
  const Shape& x = c.shape(0);
  RnnParams p{};
  p.batch_major = static_cast<int32_t>(a.layout != 0);
  p.seq_length = static_cast<int32_t>(a.layout ? x[1] : x[0]);
  p.batch = static_cast<int32_t>(a.layout ? x[0] : x[1]);
  p.input_size = static_cast<int32_t>(x[2]);
  p.hidden = static_cast<int32_t>(a.hidden_size);
  p.directions = a.direction == Direction::Bidirectional ? 2 : 1;
  p.reverse = a.direction == Direction::Reverse ? 1 : 0;
  p.has_clip = a.clip ? 1 : 0;
  p.clip = a.clip ? *a.clip : 0.0f;
  p.input_forget = static_cast<int32_t>(a.input_forget);
  p.linear_before_reset = static_cast<int32_t>(a.linear_before_reset);
  const int per_direction = Cell<kGates>::kActivationCount;
  std::vector<std::string> names = a.activations;
  if (names.empty())
    for (int d = 0; d < p.directions; ++d)
      for (int k = 0; k < per_direction; ++k) names.push_back(Cell<kGates>::kDefaults[k]);
  if (static_cast<int>(names.size()) != per_direction * p.directions)
    c.invalid("activations lists " + std::to_string(names.size()) + " functions; expected " +
              std::to_string(per_direction * p.directions));
  size_t next_alpha = 0, next_beta = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    const Activation* found = nullptr;
    for (const Activation& act : kActivations)
      if (names[i] == act.name) found = &act;
    if (!found) c.invalid("unknown activation '" + names[i] + "'");
    p.activations[i] = found->kind;
    p.alphas[i] = found->uses_alpha && next_alpha < a.activation_alpha.size() ? a.activation_alpha[next_alpha++] : found->alpha;
    p.betas[i] = found->uses_beta && next_beta < a.activation_beta.size() ? a.activation_beta[next_beta++] : found->beta;
  }
  return p;
}

template <int kGates>
void infer(InferContext& c) {
  c.require_inputs(3, kGates == kCellLstm ? 8 : 6);
  c.require_outputs(0, kGates == kCellLstm ? 3 : 2);
  c.require_dtype(0, dtype_set<FloatTypes>());
  c.require_rank(0, 3, 3);
  const auto& a = c.attrs<RnnAttrs>();
  if (a.hidden_size < 1) c.invalid("hidden_size is required and must be positive");
  RnnParams p = params<InferContext, kGates>(c);
  const int64_t D = p.directions, H = a.hidden_size, G = kGates;
  auto expect = [&](size_t i, const Shape& want, const char* what) {
    if (!c.has_input(i)) return;
    if (c.shape(i) != want) c.invalid(std::string(what) + " has shape " + c.shape(i).to_string() + ", expected " + want.to_string());
  };
  expect(1, Shape{D, G * H, p.input_size}, "W");
  expect(2, Shape{D, G * H, H}, "R");
  expect(3, Shape{D, 2 * G * H}, "B");
  expect(4, Shape{p.batch}, "sequence_lens");
  if (c.has_input(4)) c.require_dtype(4, DTypeSet{DType::Int32});
  const Shape state = a.layout ? Shape{p.batch, D, H} : Shape{D, p.batch, H};
  expect(5, state, "initial_h");
  if (kGates == kCellLstm) {
    expect(6, state, "initial_c");
    expect(7, Shape{D, 3 * H}, "P");
  }
  for (size_t i = 1; i < c.num_inputs(); ++i)
    if (c.has_input(i) && i != 4) c.require_same_dtype(0, i);
  if (const Tensor* lengths = c.known_input(4))
    for (int64_t i = 0; i < lengths->numel(); ++i)
      if (lengths->as_int64(i) < 0 || lengths->as_int64(i) > p.seq_length) c.invalid("sequence_lens entries must lie in [0, seq_length]");
  c.set_output(0, c.dtype(0), a.layout ? Shape{p.batch, p.seq_length, D, H} : Shape{p.seq_length, D, p.batch, H});
  c.set_output(1, c.dtype(0), state);
  c.set_output(2, c.dtype(0), state);
}

template <int kGates>
std::vector<KernelCall> lower(LowerContext& c) {
  RnnParams p = params<LowerContext, kGates>(c);
  const int64_t scratch = static_cast<int64_t>(p.batch) * (2 + kGates) * p.hidden;
  return {dispatch_in<FloatTypes>(c.input(0).dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    KernelCall call;
    std::string type = cpp_type<T>();
    if constexpr (kGates == kCellLstm)
      call = bind_kernel("mote/rnn.h", "mote::lstm<" + type + ">", "mote::RnnParams", p, &mote::lstm<T>,
                         {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::input(3), KernelArg::input(4),
                          KernelArg::input(5), KernelArg::input(6), KernelArg::input(7), KernelArg::output(0),
                          KernelArg::output(1), KernelArg::output(2), KernelArg::scratch(0)});
    else
      call = bind_kernel("mote/rnn.h", std::string(kGates == kCellGru ? "mote::gru<" : "mote::rnn<") + type + ">", "mote::RnnParams",
                         p, kGates == kCellGru ? &mote::gru<T> : &mote::rnn<T>,
                         {KernelArg::input(0), KernelArg::input(1), KernelArg::input(2), KernelArg::input(3), KernelArg::input(4),
                          KernelArg::input(5), KernelArg::output(0), KernelArg::output(1), KernelArg::scratch(0)});
    call.scratch_bytes = {scratch * static_cast<int64_t>(sizeof(acc_t<T>))};
    return call;
  })};
}

}  // namespace

extern const OpDef kLSTM = {"", "LSTM", make_attrs<RnnAttrs>, infer<kCellLstm>, lower<kCellLstm>, {}};
extern const OpDef kGRU = {"", "GRU", make_attrs<RnnAttrs>, infer<kCellGru>, lower<kCellGru>, {}};
extern const OpDef kRNN = {"", "RNN", make_attrs<RnnAttrs>, infer<kCellRnn>, lower<kCellRnn>, {}};

}  // namespace mote::ops
