// Quantization: QDQ graphs (made by quantize_post_training from small float models) against their
// integer form from fuse_qdq, the sample-data readers, and the digits sample's accuracy.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>

#include "compiler/driver/compile.h"
#include "compiler/driver/sample_data.h"
#include "compiler/eval/evaluator.h"
#include "compiler/ops/broadcast.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/quant_math.h"
#include "frontend/onnx/tensor_proto.h"
#include "model_builder.h"
#include "mote/qconv_s8.h"
#include "passes/passes.h"
#include "passes/quantize.h"

using namespace mote;
using mote::test::ModelBuilder;

namespace {

std::vector<std::vector<Tensor>> random_samples(const Graph& graph, int count, uint32_t seed) {
  std::vector<std::vector<Tensor>> samples;
  for (int s = 0; s < count; ++s) {
    std::vector<Tensor> inputs;
    for (const Value* v : graph.inputs)
      inputs.push_back(Tensor::from_values<float>(v->shape, test::random_floats(static_cast<size_t>(v->shape.numel()), seed++)));
    samples.push_back(std::move(inputs));
  }
  return samples;
}

int count_op(const Graph& g, const std::string& op) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->op->name == op;
  return n;
}

// The graph between its input QuantizeLinear and output DequantizeLinear computes in integers
// only: no float op is left.
void check_integer_only(const Graph& g) {
  for (const auto& node : g.nodes()) {
    const std::string op = node->op->name;
    if (op == "QuantizeLinear") CHECK(g.is_graph_input(node->inputs[0]));
    else if (op == "DequantizeLinear") CHECK(g.is_graph_output(node->outputs[0]));
    else
      for (const Value* out : node->outputs) CHECK(out->dtype != DType::Float32);
  }
}

// `options` with post-training quantization calibrated on `calibration`.
CompileOptions quantized(CompileOptions options, const std::string& calibration, DType activations = DType::Int8) {
  options.post_training_quantization = true;
  options.calibration = calibration;
  options.quantize.activations = activations;
  return options;
}

// Quantizes `float_model`, fuses, and compares the integer graph with the float QDQ graph on
// fresh inputs: every output element within `lsb` steps of the output quantization.
std::unique_ptr<Graph> check_against_qdq(const Graph& float_model, double lsb = 1.0, DType activations = DType::Int8) {
  auto qdq = float_model.clone();
  QuantizeOptions options;
  options.activations = activations;
  quantize_post_training(*qdq, random_samples(*qdq, 16, 100), options);
  auto integer = qdq->clone();
  PassContext context;
  fuse_qdq(*integer, context);
  eliminate_dead_nodes(*integer, context);
  const Node* output_dq = integer->outputs[0]->producer;
  REQUIRE(output_dq->op->name == std::string("DequantizeLinear"));
  const double scale = output_dq->inputs[1]->constant->data<float>()[0];
  double worst = 0;
  for (const auto& sample : random_samples(float_model, 4, 7)) {
    const Tensor want = evaluate_graph(*qdq, sample)[0], got = evaluate_graph(*integer, sample)[0];
    // Both are dequantized with the same scale and zero point: compare the integer levels.
    for (int64_t i = 0; i < want.numel(); ++i)
      worst = std::max(worst, std::fabs(std::nearbyint(want.as_double(i) / scale) - std::nearbyint(got.as_double(i) / scale)));
  }
  CHECK(worst <= lsb);
  return integer;
}

void conv_model(ModelBuilder& m, int channels_in, int channels_out, int group, int kernel) {
  m.input("x", {1, channels_in, 6, 6});
  m.initializer("w", {channels_out, channels_in / group, kernel, kernel},
                test::random_floats(static_cast<size_t>(channels_out * channels_in / group * kernel * kernel), 1));
  m.initializer("b", {channels_out}, test::random_floats(static_cast<size_t>(channels_out), 2));
  auto& conv = m.node("Conv", {"x", "w", "b"}, {"c"});
  ModelBuilder::attr_int(conv, "group", group);
  ModelBuilder::attr_ints(conv, "pads", {kernel / 2, kernel / 2, kernel / 2, kernel / 2});
}

TEST_CASE("fuse_qdq: Conv + Relu becomes one QLinearConv within 1 LSB of the float QDQ graph") {
  for (auto [cin, cout, group, kernel] : {std::tuple{3, 4, 1, 3}, std::tuple{4, 4, 4, 3}, std::tuple{4, 6, 1, 1}}) {
    ModelBuilder m;
    conv_model(m, cin, cout, group, kernel);
    m.node("Relu", {"c"}, {"y"});
    m.output("y", {1, cout, 6, 6});
    auto integer = check_against_qdq(*m.import());
    CHECK(count_op(*integer, "QLinearConv") == 1);
    CHECK(count_op(*integer, "Relu") == 0);
    check_integer_only(*integer);
  }
}

// x [1, 4, 6, 6] -> one op -> y, for the ops with integer forms.
std::unique_ptr<Graph> single_op_model(const std::string& op) {
  ModelBuilder m;
  m.input("x", {1, 4, 6, 6});
  std::vector<int64_t> out{1, 4, 6, 6};
  if (op == "Concat") {  // two inputs of different ranges: different scales, one goes through a table
    m.input("x2", {1, 3, 6, 6});
    m.initializer("half", {1}, {0.5f});
    m.node("Mul", {"x2", "half"}, {"x2_half"});
    auto& concat = m.node("Concat", {"x", "x2_half"}, {"y"});
    ModelBuilder::attr_int(concat, "axis", 1);
    out = {1, 7, 6, 6};
  } else if (op == "Add" || op == "Mul") {
    m.input("x2", {1, 4, op == "Mul" ? 1 : 6, op == "Mul" ? 1 : 6});  // Mul broadcasts per channel
    m.node(op, {"x", "x2"}, {"y"});
  } else if (op == "AveragePool" || op == "MaxPool") {
    auto& pool = m.node(op, {"x"}, {"y"});
    ModelBuilder::attr_ints(pool, "kernel_shape", {3, 3});
    ModelBuilder::attr_ints(pool, "strides", {2, 2});
    ModelBuilder::attr_ints(pool, "pads", {1, 1, 0, 0});
    out = {1, 4, 3, 3};
  } else if (op == "GlobalAveragePool") {
    m.node(op, {"x"}, {"y"});
    out = {1, 4, 1, 1};
  } else if (op == "Gemm" || op == "Softmax") {
    m.initializer_i64("shape", {2}, {1, 144});
    m.node("Reshape", {"x", "shape"}, {"flat"});
    m.initializer("w", {10, 144}, test::random_floats(1440, 3));
    auto& gemm = m.node("Gemm", {"flat", "w"}, {op == "Gemm" ? "y" : "g"});
    ModelBuilder::attr_int(gemm, "transB", 1);
    if (op == "Softmax") m.node("Softmax", {"g"}, {"y"});
    out = {1, 10};
  } else {
    m.node(op, {"x"}, {"y"});
  }
  m.output("y", out);
  return m.import();
}

// Conv -> Add (second input x4) -> [Sigmoid] -> AveragePool -> Flatten -> Gemm -> [Softmax]:
// with the table ops (`tables`) or without them.
std::unique_ptr<Graph> chain_model(bool tables) {
  ModelBuilder m;
  conv_model(m, 2, 4, 1, 3);
  m.input("x4", {1, 4, 6, 6});
  m.node("Add", {"c", "x4"}, {"sum"});
  if (tables) m.node("Sigmoid", {"sum"}, {"s"});
  auto& pool = m.node("AveragePool", {tables ? "s" : "sum"}, {"p"});
  ModelBuilder::attr_ints(pool, "kernel_shape", {2, 2});
  ModelBuilder::attr_ints(pool, "strides", {2, 2});
  m.node("Flatten", {"p"}, {"f"});
  m.initializer("wg", {5, 36}, test::random_floats(180, 5));
  auto& gemm = m.node("Gemm", {"f", "wg"}, {tables ? "g" : "y"});
  ModelBuilder::attr_int(gemm, "transB", 1);
  if (tables) m.node("Softmax", {"g"}, {"y"});
  m.output("y", {1, 5});
  return m.import();
}

}  // namespace

TEST_CASE("fuse_qdq: every integer form within 1 LSB of the float QDQ graph, no float op left") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Add", "QLinearAdd"},       {"Mul", "QLinearMul"},                 {"Concat", "QLinearConcat"},                 {"AveragePool", "QLinearAveragePool"}, {"GlobalAveragePool", "QLinearGlobalAveragePool"},
      {"MaxPool", "MaxPool"},      {"Gemm", "QGemm"},                     {"Softmax", "QLinearSoftmax"},
      {"Sigmoid", "Lookup"},       {"Tanh", "Lookup"},                    {"Exp", "Lookup"}};
  for (const auto& [op, integer_op] : cases) {
    INFO(op);
    auto integer = check_against_qdq(*single_op_model(op));
    CHECK(count_op(*integer, integer_op) == 1);
    check_integer_only(*integer);
  }
}

// Which kernels a graph's nodes lower to, by function name.
std::vector<std::string> kernel_functions(const Graph& graph) {
  std::vector<std::string> functions;
  for (const auto& node : graph.nodes()) {
    LowerContext context(const_cast<Node&>(*node));
    for (const KernelCall& call : node->op->lower(context)) functions.push_back(call.function);
  }
  return functions;
}

bool uses_kernel(const Graph& graph, const std::string& prefix) {
  for (const std::string& f : kernel_functions(graph))
    if (f.rfind(prefix, 0) == 0) return true;
  return false;
}

// --quantize int16x8: int16 activations (zero point 0) with int8 weights.
TEST_CASE("fuse_qdq with int16 activations: every int16x8 integer form within 1 LSB of the float QDQ graph (tables 2), no float op left") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Add", "QLinearAdd"}, {"Mul", "QLinearMul"}, {"AveragePool", "QLinearAveragePool"}, {"GlobalAveragePool", "QLinearGlobalAveragePool"},
      {"MaxPool", "MaxPool"}, {"Gemm", "QGemm"}};
  for (const auto& [op, integer_op] : cases) {
    INFO(op);
    auto integer = check_against_qdq(*single_op_model(op), 1.0, DType::Int16);
    REQUIRE(count_op(*integer, integer_op) == 1);
    check_integer_only(*integer);
    for (const auto& node : integer->nodes())
      if (node->op->name == integer_op) CHECK(node->outputs[0]->dtype == DType::Int16);
  }
  // Tables of 513 entries 128 input steps apart, interpolated: the curve between entries adds
  // up to half a step here (tanh'' * (128 x_scale)^2 / 8 in output steps).
  for (const char* op : {"Sigmoid", "Tanh"}) {
    INFO(op);
    auto integer = check_against_qdq(*single_op_model(op), 2.0, DType::Int16);
    REQUIRE(count_op(*integer, "Lookup") == 1);
    check_integer_only(*integer);
    CHECK(uses_kernel(*integer, "mote::lookup_interpolated<int16_t, int16_t>"));
  }
  for (auto [cin, cout, group, kernel] : {std::tuple{3, 4, 1, 3}, std::tuple{4, 4, 4, 3}, std::tuple{4, 6, 1, 1}}) {
    INFO("Conv " << cin << " -> " << cout << ", group " << group << ", kernel " << kernel);
    ModelBuilder m;
    conv_model(m, cin, cout, group, kernel);
    m.node("Relu", {"c"}, {"y"});
    m.output("y", {1, cout, 6, 6});
    auto integer = check_against_qdq(*m.import(), 1.0, DType::Int16);
    REQUIRE(count_op(*integer, "QLinearConv") == 1);
    check_integer_only(*integer);
    for (const auto& node : integer->nodes())
      if (node->op->name == std::string("QLinearConv")) CHECK(node->inputs[0]->dtype == DType::Int16);
  }
}

TEST_CASE("mote::ChannelRequantizer and Requantizer equal requantize_output and requantize on every input: int8 (TFLite's two roundings) and int16") {
  uint64_t state = 777;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 32);
  };
  const std::vector<double> reals{0.5, 0.25, 1.0 / 3.0, 0.0001234, 0.75, 1.5, 3.0, std::ldexp(1.0, -20), 0.0};
  int compared = 0;
  for (double real : reals)
    for (int trial = 0; trial < 20000; ++trial) {
      int32_t multiplier, shift;
      quantize_multiplier(real * (1.0 + static_cast<double>(next() % 1000) / 1e4), multiplier, shift);
      // Accumulators of every size, including the extremes and the ties around 0.
      const int32_t acc = trial < 8 ? std::vector<int32_t>{0, -1, 1, -2, 2, std::numeric_limits<int32_t>::max(),
                                                           std::numeric_limits<int32_t>::min(), -(1 << 20)}[static_cast<size_t>(trial)]
                                    : static_cast<int32_t>(next()) >> (next() % 31);
      const mote::ChannelRequantizer<int8_t> narrow(multiplier, shift, -3, -128, 127);
      const mote::ChannelRequantizer<int16_t> wide(multiplier, shift, 0, -32768, 32767);
      if (narrow(acc) != mote::requantize_output<int8_t>(acc, multiplier, shift, -3, -128, 127) ||
          wide(acc) != mote::requantize_output<int16_t>(acc, multiplier, shift, 0, -32768, 32767) ||
          mote::Requantizer(multiplier, shift)(acc) != mote::requantize(acc, multiplier, shift))
        FAIL("acc " << acc << ", multiplier " << multiplier << ", shift " << shift);
      ++compared;
    }
  CHECK(compared == 20000 * static_cast<int>(reals.size()));
  // Ties, where the two forms differ: 0.375 is exact in Q31 (0.75 x 2^31, shift -1), so
  // 100 x 0.375 = 37.5 -> 38 in both, -4 x 0.375 = -1.5 -> -2 in int8 (half away from zero,
  // as TFLite) and -1 in int16 (half up).
  int32_t multiplier, shift;
  quantize_multiplier(0.375, multiplier, shift);
  REQUIRE(multiplier == 1610612736);
  REQUIRE(shift == -1);
  const mote::ChannelRequantizer<int8_t> narrow(multiplier, shift, 0, -128, 127);
  const mote::ChannelRequantizer<int16_t> wide(multiplier, shift, 0, -32768, 32767);
  CHECK(narrow(100) == 38);
  CHECK(wide(100) == 38);
  CHECK(narrow(-4) == -2);
  CHECK(wide(-4) == -1);
}

TEST_CASE("mote::Int8Requantization equals requantize_output<int8_t> wherever it applies, for every zero point and clamp") {
  uint64_t state = 4242;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 32);
  };
  int compared = 0, declined = 0;
  for (int trial = 0; trial < 200000; ++trial) {
    // Real multipliers from 2^-26 to 1: shifts from -25 to 0, so both sides of `applies`.
    int32_t multiplier, shift;
    quantize_multiplier(std::ldexp(1.0 + static_cast<double>(next() % 100000) / 1e5, -static_cast<int>(next() % 26) - 1), multiplier,
                        shift);
    const int32_t zero = static_cast<int32_t>(next() % 256) - 128;
    const int32_t lo = next() % 2 ? -128 : zero, hi = next() % 2 ? 127 : std::min(127, zero + static_cast<int32_t>(next() % 64));
    const int32_t acc = trial < 6 ? std::vector<int32_t>{0, -1, 1, std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(),
                                                         -(1 << 20)}[static_cast<size_t>(trial)]
                                  : static_cast<int32_t>(next()) >> (next() % 31);
    if (!mote::Int8Requantization::applies(multiplier, shift)) {
      CHECK((shift > -2 || shift < -23 || multiplier <= (1 << 30)));
      ++declined;
      continue;
    }
    const int8_t want = mote::requantize_output<int8_t>(acc, multiplier, shift, zero, lo, hi);
    const int8_t got = mote::Int8Requantization(multiplier, shift, zero, lo, hi)(acc);
    if (got != want) FAIL("acc " << acc << ", multiplier " << multiplier << ", shift " << shift << ", zero " << zero);
    ++compared;
  }
  CHECK(compared > 150000);
  CHECK(declined > 1000);
  // The one shift it declines among the usual ones: -1 (a real multiplier in [1/4, 1/2)).
  int32_t multiplier, shift;
  quantize_multiplier(0.375, multiplier, shift);
  CHECK_FALSE(mote::Int8Requantization::applies(multiplier, shift));
}

TEST_CASE("mote::qadd_lookup equals mote::qadd on every pair of int8 values, broadcast and clamped too") {
  // Scales as TFLite's ADD sees them: inputs rescaled to twice the larger input scale, the sum
  // requantized to the output; zero points of both signs; a Relu-like clamp on the output.
  struct Case {
    double a_scale, b_scale, y_scale;
    int32_t a_zero, b_zero, y_zero, act_min;
  };
  for (const Case& k : {Case{0.05, 0.11, 0.13, -7, 12, 3, -128}, Case{0.2, 0.02, 0.09, 127, -128, -20, -20},
                        Case{0.031, 0.031, 0.5, 0, 0, 0, -128}}) {
    mote::QAddParams p{};
    p.left_shift = 20;
    const double twice_max = 2 * std::max(k.a_scale, k.b_scale);
    quantize_multiplier(k.a_scale / twice_max, p.a_multiplier, p.a_shift);
    quantize_multiplier(k.b_scale / twice_max, p.b_multiplier, p.b_shift);
    quantize_multiplier(twice_max / (std::ldexp(1.0, p.left_shift) * k.y_scale), p.y_multiplier, p.y_shift);
    p.binary.a_zero = k.a_zero, p.binary.b_zero = k.b_zero, p.binary.y_zero = k.y_zero;
    p.binary.act_min = k.act_min, p.binary.act_max = 127;
    std::vector<int32_t> a_table(256), b_table(256);
    mote::qadd_input_table(p.a_multiplier, p.a_shift, k.a_zero, p.left_shift, a_table.data());
    mote::qadd_input_table(p.b_multiplier, p.b_shift, k.b_zero, p.left_shift, b_table.data());
    // Same shapes (the flat loop): all 65,536 pairs; then b broadcast along a's rows.
    std::vector<int8_t> a(65536), b(65536), want(65536), got(65536);
    for (int32_t i = 0; i < 65536; ++i) a[static_cast<size_t>(i)] = static_cast<int8_t>(i >> 8), b[static_cast<size_t>(i)] = static_cast<int8_t>(i);
    for (const auto& [a_shape, b_shape] : {std::pair{Shape{65536}, Shape{65536}}, std::pair{Shape{256, 256}, Shape{256}}}) {
      const Shape out = a_shape;
      p.binary.broadcast = make_broadcast_params(out, {a_shape, b_shape});
      mote::qadd(p, a.data(), b.data(), want.data());
      mote::qadd_lookup(p, a.data(), b.data(), a_table.data(), b_table.data(), got.data());
      CHECK(got == want);
    }
    if (k.act_min > -128) CHECK(*std::min_element(want.begin(), want.end()) == k.act_min);  // the Relu-like clamp was reached
  }
}

TEST_CASE("mote::quantize_linear rounds half to even, saturates, and maps NaN to the zero point") {
  const std::vector<float> x{0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 1e9f, -INFINITY, NAN, 100.49f};
  std::vector<int8_t> y(x.size());
  const float scale = 1.0f;
  const int8_t zero = 10;
  const mote::QuantizeParams p{static_cast<int32_t>(x.size()), 1, 1, static_cast<int32_t>(x.size())};
  mote::quantize_linear(p, x.data(), &scale, &zero, y.data());
  CHECK(y == std::vector<int8_t>{10, 12, 12, 10, 8, 8, 127, -128, 10, 110});
}

TEST_CASE("mote::lookup_interpolated: hand-computed values of y = x / 2 from a 513-entry table") {
  std::vector<int16_t> table(513);
  for (int32_t i = 0; i < 513; ++i) table[static_cast<size_t>(i)] = static_cast<int16_t>(std::min((-32768 + 128 * i) / 2, 32767));
  const std::vector<int16_t> x{-32768, 100, -1, 32767, 0};
  std::vector<int16_t> y(x.size());
  mote::lookup_interpolated(mote::LookupParams{static_cast<int32_t>(x.size())}, x.data(), table.data(), y.data());
  // 100: entry 256 (0) and 257 (64), 100/128 of the way: 0 + round(6400 / 128) = 50.
  // -1: entries 255 (-64) and 256 (0), 127/128 of the way: -64 + (8128 + 64) >> 7 = 0 (-0.5 rounds up).
  // 32767: entries 511 (16320) and 512 (16384), 127/128 of the way: 16320 + 64 = 16384.
  CHECK(y == std::vector<int16_t>{-16384, 50, 0, 16384, 0});
}

TEST_CASE("int16 activations: the fast kernels only where no int32 sum can overflow (hand-computed bound), else the int64 ones") {
  // |bias| + 32768 x sum |w| must stay below 2^31: 516 weights of 127 reach 2,147,352,576, 517
  // reach 2,151,514,112.
  const std::vector<int8_t> row(517, 127);
  CHECK(mote::s8::fits_int32_sums(row.data(), 1, 516, nullptr));
  CHECK_FALSE(mote::s8::fits_int32_sums(row.data(), 1, 517, nullptr));
  const int32_t small_bias = 131071, large_bias = 131072;  // 2^31 - 1 - 2,147,352,576 = 131,071
  CHECK(mote::s8::fits_int32_sums(row.data(), 1, 516, &small_bias));
  CHECK_FALSE(mote::s8::fits_int32_sums(row.data(), 1, 516, &large_bias));
  // Weights of one magnitude quantize to +-127: a 1x1 convolution over 600 channels and a
  // product of depth 600 exceed the bound and take the int64 kernels, still within 1 LSB.
  std::vector<float> signs = test::random_floats(600 * 4, 9);
  for (float& v : signs) v = v < 0 ? -0.05f : 0.05f;
  ModelBuilder m;
  m.input("x", {1, 600, 2, 2});
  m.initializer("w", {4, 600, 1, 1}, signs);
  m.node("Conv", {"x", "w"}, {"y"});
  m.output("y", {1, 4, 2, 2});
  auto conv = check_against_qdq(*m.import(), 1.0, DType::Int16);
  CHECK(uses_kernel(*conv, "mote::qpointwise_conv_in_place<int16_t"));
  ModelBuilder g;
  g.input("x", {1, 600});
  g.initializer("w", {4, 600}, signs);
  auto& gemm = g.node("Gemm", {"x", "w"}, {"y"});
  ModelBuilder::attr_int(gemm, "transB", 1);
  g.output("y", {1, 4});
  auto product = check_against_qdq(*g.import(), 1.0, DType::Int16);
  CHECK(uses_kernel(*product, "mote::qmatmul<int16_t"));
  // The same shapes with small weights take the fast kernels.
  auto fast = check_against_qdq(*single_op_model("Gemm"), 1.0, DType::Int16);
  CHECK(uses_kernel(*fast, "mote::qfully_connected_s8<int16_t, int16_t>"));
}

// An input's own quantization error is pure activation rounding (256 times finer in int16:
// 48 dB); the output's includes the int8 weights' error, which int16 activations leave.
TEST_CASE("int16 activations: an input's SQNR rises by more than 40 dB over int8, the chain's output by more than 5 dB") {
  const auto float_model = chain_model(false);
  double output_sqnr[2], input_sqnr[2] = {0, 0};
  for (const DType activations : {DType::Int8, DType::Int16}) {
    auto graph = float_model->clone();
    QuantizeOptions options;
    options.activations = activations;
    const QuantizeReport report = quantize_post_training(*graph, random_samples(*graph, 16, 100), options);
    output_sqnr[activations == DType::Int16] = report.outputs.at(0).sqnr_db;
    for (const TensorError& e : report.tensors)
      if (e.name == "x4") input_sqnr[activations == DType::Int16] = e.sqnr_db;
  }
  WARN("SQNR int8 / int16x8: input x4 " << input_sqnr[0] << " / " << input_sqnr[1] << " dB, output " << output_sqnr[0] << " / "
                                        << output_sqnr[1] << " dB");
  CHECK(input_sqnr[0] > 30.0);
  CHECK(input_sqnr[1] > input_sqnr[0] + 40.0);
  CHECK(output_sqnr[1] > output_sqnr[0] + 5.0);
}

// runtime-min's requantize of a 64-bit accumulator (int16 activations) against the exact
// product in 128-bit arithmetic: round(acc * multiplier * 2^(shift - 31)), half up, saturated.
TEST_CASE("requantize of an int64 accumulator is exact: hand-computed values and 128-bit products") {
  CHECK(mote::requantize(int64_t{5}, int32_t{1} << 30, 0) == 3);    // 2.5 rounds up
  CHECK(mote::requantize(int64_t{-5}, int32_t{1} << 30, 0) == -2);  // -2.5 rounds up
  CHECK(mote::requantize(-(int64_t{1} << 35), int32_t{1} << 30, -10) == -(1 << 24));
  CHECK(mote::requantize(int64_t{3} << 40, int32_t{1} << 30, 0) == std::numeric_limits<int32_t>::max());
  CHECK(mote::requantize(-(int64_t{3} << 40), int32_t{1} << 30, 0) == std::numeric_limits<int32_t>::min());
  CHECK(mote::requantize(int64_t{1000}, int32_t{1} << 30, 3) == 4000);  // a multiplier above 1
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state;
  };
  int checked = 0;
  for (int i = 0; i < 200000; ++i) {
    const int64_t acc = static_cast<int64_t>(next() >> 17) - (int64_t{1} << 46);  // |acc| < 2^47
    int32_t multiplier, shift;
    quantize_multiplier(std::ldexp(0.5 + static_cast<double>(next() % 1000000) / 2e6, -static_cast<int>(next() % 40)), multiplier, shift);
    const __int128 shifted = static_cast<__int128>(acc) * (shift > 0 ? (int64_t{1} << shift) : 1);
    const int right = 31 - (shift > 0 ? 0 : shift);
    __int128 want = (shifted * multiplier + (static_cast<__int128>(1) << (right - 1))) >> right;
    want = std::clamp<__int128>(want, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
    if (std::llabs(acc) << (shift > 0 ? shift : 0) >= (int64_t{1} << 47)) continue;  // saturated before the product
    checked += mote::requantize(acc, multiplier, shift) == static_cast<int32_t>(want);
    if (mote::requantize(acc, multiplier, shift) != static_cast<int32_t>(want)) FAIL("acc " << acc << ", multiplier " << multiplier << ", shift " << shift);
  }
  CHECK(checked > 100000);
}

TEST_CASE("fuse_qdq: a chain of integer ops stays within 2 LSB of the float QDQ graph (1 LSB flips accumulate)") {
  auto integer = check_against_qdq(*chain_model(true), 2.0);
  for (const char* op : {"QLinearConv", "QLinearAdd", "Lookup", "QLinearAveragePool", "Flatten", "QGemm", "QLinearSoftmax"})
    CHECK(count_op(*integer, op) == 1);
  check_integer_only(*integer);
}

TEST_CASE("fuse_qdq leaves an op without an integer form float between its DequantizeLinear and QuantizeLinear") {
  ModelBuilder m;
  m.input("x", {1, 8});
  auto& reduce = m.node("ReduceMean", {"x"}, {"y"});
  ModelBuilder::attr_ints(reduce, "axes", {1});
  m.output("y", {1, 1});
  auto graph = m.import();
  quantize_post_training(*graph, random_samples(*graph, 4, 1), {});
  PassContext context;
  fuse_qdq(*graph, context);
  CHECK(count_op(*graph, "ReduceMean") == 1);
  CHECK(count_op(*graph, "QuantizeLinear") == 2);
  CHECK(count_op(*graph, "DequantizeLinear") == 2);
}

TEST_CASE("numpy sample data: compressed .npz and .npy, matched to the graph inputs") {
  const std::string dir = MOTE_SOURCE_DIR "/samples/digits_cnn/";
  auto arrays = read_numpy(dir + "digits_holdout.npz");
  REQUIRE(arrays.count("x"));
  CHECK(arrays.at("x").shape() == Shape{450, 1, 8, 8});
  CHECK(arrays.at("y").dtype() == DType::Int64);
  std::ofstream("not_numpy.npz") << "hello";
  CHECK_THROWS_AS(read_numpy("not_numpy.npz"), UserError);
  std::remove("not_numpy.npz");
}

TEST_CASE("digits sample: int8 accuracy on the held-out split within 1 point of float") {
  const std::string dir = MOTE_SOURCE_DIR "/samples/digits_cnn/";
  CompileOptions float_options;
  float_options.model = dir + "model.onnx";
  CompileResult float_model = compile_model(float_options),
                int8_model = compile_model(quantized(float_options, dir + "digits_calibration.npz"));
  REQUIRE(int8_model.quantization);
  CHECK(int8_model.quantization->outputs.at(0).sqnr_db >= 25.0);
  CHECK(int8_model.code.arena_bytes * 3 <= float_model.code.arena_bytes);
  const auto samples = load_samples(dir + "digits_holdout.npz", *float_model.graph);
  const Tensor labels = read_numpy(dir + "digits_holdout.npz").at("y");
  auto accuracy = [&](const Graph& g) {
    int correct = 0;
    for (size_t i = 0; i < samples.size(); ++i) {
      const Tensor logits = evaluate_graph(g, samples[i])[0];
      int64_t best = 0;
      for (int64_t k = 1; k < logits.numel(); ++k)
        if (logits.as_double(k) > logits.as_double(best)) best = k;
      correct += best == labels.as_int64(static_cast<int64_t>(i));
    }
    return static_cast<double>(correct) / static_cast<double>(samples.size());
  };
  const double float_accuracy = accuracy(*float_model.graph), int8_accuracy = accuracy(*int8_model.graph);
  WARN("digits held-out accuracy: float " << float_accuracy << ", int8 " << int8_accuracy);
  CHECK(float_accuracy > 0.95);
  CHECK(int8_accuracy >= float_accuracy - 0.01);
}

namespace {

// Output SQNR of `quantized` against `reference` over `samples` (all outputs together).
double output_sqnr(const Graph& reference, const Graph& quantized, const std::vector<std::vector<Tensor>>& samples) {
  double signal = 0, noise = 0;
  for (const auto& sample : samples) {
    const std::vector<Tensor> want = evaluate_graph(reference, sample), got = evaluate_graph(quantized, sample);
    for (size_t k = 0; k < want.size(); ++k)
      for (int64_t i = 0; i < want[k].numel(); ++i) {
        signal += want[k].as_double(i) * want[k].as_double(i);
        noise += (want[k].as_double(i) - got[k].as_double(i)) * (want[k].as_double(i) - got[k].as_double(i));
      }
  }
  return 10 * std::log10(signal / noise);
}

}  // namespace

// The goal is 25 dB. Measured on the three held-out sets (min/max, channel ranges
// equalized, GPTQ weight rounding): kws 27.9, vww 51.7, ic 33.6, ad 43.1 dB (round-to-nearest
// weights: 24.0, 53.3, 36.1, 38.3; without equalization 24.5, 53.3, 17.1, 36.3; TFLite's own
// int8 models reach -1.1, 30.7, 22.8 and 19.6 dB against these float models). Three random
// inputs through an int8 Softmax make a noisy measure (a one-LSB flip of one probability moves
// it by dB), so the floor stays at 20. The percentile observer measured kws 11.4 dB here
// (33.7 dB on its calibration set), so it is not guarded.
TEST_CASE("MLPerf Tiny float models quantize to int8: held-out SQNR >= 20 dB, at most 40% of the arena and 36% of the weights") {
  for (const char* name : {"kws", "vww", "ic", "ad"}) {
    INFO(name);
    const std::string dir = std::string(MOTE_SOURCE_DIR "/samples/mlperf-tiny/") + name + "_float/";
    CompileOptions float_options;
    float_options.model = dir + "model.onnx";
    CompileResult float_model = compile_model(float_options), int8_model = compile_model(quantized(float_options, dir + "calibration.npz"));
    const double sqnr = output_sqnr(*float_model.graph, *int8_model.graph, load_samples(dir, *float_model.graph));
    WARN(name << ": held-out SQNR " << sqnr << " dB; arena " << float_model.code.arena_bytes << " -> " << int8_model.code.arena_bytes
              << " bytes; weights " << float_model.code.weights_bytes << " -> " << int8_model.code.weights_bytes << " bytes");
    CHECK(sqnr >= 20.0);
    if (float_model.code.arena_bytes > 4096)  // ad's arena holds the int8 copy of its float input
      CHECK(int8_model.code.arena_bytes * 10 <= float_model.code.arena_bytes * 4);
    CHECK(int8_model.code.weights_bytes * 100 <= float_model.code.weights_bytes * 36);
  }
}

TEST_CASE("sample models: held-out output SQNR of int8 and int16x8 against float") {
  struct Sample {
    const char* dir;
    const char* calibration;
    const char* holdout;
    double int8_floor_db;  // the 25 dB
  };
  for (const Sample& sample : {Sample{"kws", "calibration.npz", "holdout.npz", 25.0}, Sample{"gesture", "calibration.npz", "holdout.npz", 25.0},
                               Sample{"anomaly", "calibration.npz", "holdout.npz", 25.0}, Sample{"vww", "calibration.npz", "holdout.npz", 25.0},
                               Sample{"digits_cnn", "digits_calibration.npz", "digits_holdout.npz", 25.0}}) {
    INFO(sample.dir);
    const std::string dir = std::string(MOTE_SOURCE_DIR "/samples/") + sample.dir + "/";
    CompileOptions float_options;
    float_options.model = dir + "model.onnx";
    const CompileResult float_model = compile_model(float_options);
    auto holdout = load_samples(dir + sample.holdout, *float_model.graph);
    if (holdout.size() > 300) holdout.resize(300);
    double sqnr[2];
    for (const DType activations : {DType::Int8, DType::Int16})
      sqnr[activations == DType::Int16] =
          output_sqnr(*float_model.graph, *compile_model(quantized(float_options, dir + sample.calibration, activations)).graph, holdout);
    WARN(sample.dir << ": held-out output SQNR (" << holdout.size() << " inputs): int8 " << sqnr[0] << " dB, int16x8 " << sqnr[1] << " dB");
    CHECK(sqnr[0] >= sample.int8_floor_db);
    CHECK(sqnr[1] >= sqnr[0]);
  }
}

// int16x8 is ahead on the calibration sets and, with GPTQ weight rounding, on the three
// held-out sets too (with round-to-nearest weights ic flipped: int8 36.1, int16x8 29.1 dB).
TEST_CASE("MLPerf Tiny float models quantize to int16x8: SQNR above int8's on the calibration set, weights still 1 byte per parameter") {
  for (const char* name : {"kws", "vww", "ic", "ad"}) {
    INFO(name);
    const std::string dir = std::string(MOTE_SOURCE_DIR "/samples/mlperf-tiny/") + name + "_float/";
    CompileOptions float_options;
    float_options.model = dir + "model.onnx";
    const CompileResult float_model = compile_model(float_options);
    const auto samples = load_samples(dir, *float_model.graph);
    double held_out[2], calibration[2];
    int64_t weights[2], arena[2];
    for (const DType activations : {DType::Int8, DType::Int16}) {
      const CompileResult result = compile_model(quantized(float_options, dir + "calibration.npz", activations));
      const int wide = activations == DType::Int16;
      held_out[wide] = output_sqnr(*float_model.graph, *result.graph, samples);
      calibration[wide] = result.quantization->outputs.at(0).sqnr_db;
      weights[wide] = result.code.weights_bytes;
      arena[wide] = result.code.arena_bytes;
    }
    WARN(name << ": SQNR int8 / int16x8: calibration set " << calibration[0] << " / " << calibration[1] << " dB, held out " << held_out[0]
              << " / " << held_out[1] << " dB; arena float " << float_model.code.arena_bytes << ", int8 " << arena[0] << ", int16x8 "
              << arena[1] << " bytes; weights int8 " << weights[0] << ", int16x8 " << weights[1]);
    CHECK(calibration[1] > calibration[0]);
    CHECK(held_out[1] >= 20.0);
    CHECK(weights[1] <= weights[0] * 105 / 100);  // int8 weights either way (int16x8 has no 8-bit tables)
    CHECK(arena[1] <= 2 * arena[0] + 64);  // two bytes per activation instead of one
  }
}

TEST_CASE("int8 I/O (--io int8): the run function takes and returns the quantized tensors, with the same results") {
  CompileOptions float_io;
  float_io.model = std::string(MOTE_SOURCE_DIR) + "/samples/mlperf-tiny/kws_int8_qdq/model.onnx";
  CompileOptions int8_io = float_io;
  int8_io.passes.quantized_io_bits = 8;
  const CompileResult f = compile_model(float_io);
  const CompileResult q = compile_model(int8_io);
  REQUIRE(q.graph->inputs.size() == 1);
  REQUIRE(q.graph->outputs.size() == 1);
  const Value& in = *q.graph->inputs[0];
  const Value& out = *q.graph->outputs[0];
  CHECK(in.dtype == DType::Int8);
  CHECK(out.dtype == DType::Int8);
  CHECK(in.name == f.graph->inputs[0]->name);
  REQUIRE(in.quant);
  REQUIRE(out.quant);
  CHECK(q.graph->memory.io_bytes * 4 < f.graph->memory.io_bytes + 16);  // a quarter of the I/O bytes (plus rounding)
  const std::string header = q.code.files[0].contents;
  CHECK(header.find("_INPUT_SCALE ") != std::string::npos);
  CHECK(header.find("_OUTPUT_ZERO_POINT -128") != std::string::npos);
  CHECK(header.find("(const int8_t* input, int8_t* output)") != std::string::npos);
  for (int set = 0; set < 3; ++set) {
    const Tensor x = onnx_frontend::read_tensor_file(std::string(MOTE_SOURCE_DIR) + "/samples/mlperf-tiny/kws_int8_qdq/test_data_set_" +
                                                     std::to_string(set) + "/input_0.pb");
    // What QuantizeLinear does at the edge, done by the caller.
    Tensor xq(DType::Int8, x.shape());
    for (int64_t i = 0; i < x.numel(); ++i)
      xq.data<int8_t>()[i] = static_cast<int8_t>(std::clamp<double>(
          std::nearbyint(static_cast<double>(x.data<float>()[i]) / in.quant->scale[0]) + in.quant->zero_point[0], -128, 127));
    const Tensor y = evaluate_graph(*f.graph, {x})[0];
    const Tensor yq = evaluate_graph(*q.graph, {xq})[0];
    for (int64_t i = 0; i < y.numel(); ++i)
      CHECK(y.data<float>()[i] == out.quant->scale[0] * static_cast<float>(yq.data<int8_t>()[i] - out.quant->zero_point[0]));
  }
}

TEST_CASE("int8 I/O (--io int8) names every input and output it cannot make 8-bit") {
  CompileOptions options;
  options.model = std::string(MOTE_SOURCE_DIR) + "/samples/digits_cnn/model.onnx";  // a float model
  options.passes.quantized_io_bits = 8;
  try {
    compile_model(options);
    FAIL("a float model compiled with --io int8");
  } catch (const UserError& e) {
    CHECK(e.exit_code() == kExitUnsupported);
    CHECK(std::string(e.what()).find("graph input 'image'") != std::string::npos);
    CHECK(std::string(e.what()).find("graph output 'logits'") != std::string::npos);
  }
}

TEST_CASE("int16 I/O (--io int16 with --quantize int16x8): int16 in and out, the same results as float I/O") {
  CompileOptions model;
  model.model = std::string(MOTE_SOURCE_DIR) + "/samples/kws/model.onnx";
  const CompileOptions float_io = quantized(model, std::string(MOTE_SOURCE_DIR) + "/samples/kws/calibration.npz", DType::Int16);
  CompileOptions int16_io = float_io;
  int16_io.passes.quantized_io_bits = 16;
  const CompileResult f = compile_model(float_io), q = compile_model(int16_io);
  const Value& in = *q.graph->inputs.at(0);
  const Value& out = *q.graph->outputs.at(0);
  CHECK(in.dtype == DType::Int16);
  CHECK(out.dtype == DType::Int16);
  REQUIRE(in.quant);
  REQUIRE(out.quant);
  CHECK(in.quant->zero_point[0] == 0);
  CHECK(q.code.files[0].contents.find("(const int16_t* mfcc, int16_t* logits)") != std::string::npos);
  const auto samples = load_samples(std::string(MOTE_SOURCE_DIR) + "/samples/kws/calibration.npz", *f.graph);
  for (size_t s = 0; s < 3; ++s) {
    const Tensor& x = samples[s][0];
    Tensor xq(DType::Int16, x.shape());  // QuantizeLinear at the edge, done by the caller
    for (int64_t i = 0; i < x.numel(); ++i)
      xq.data<int16_t>()[i] = static_cast<int16_t>(std::clamp<double>(std::nearbyint(x.as_double(i) / in.quant->scale[0]), -32768, 32767));
    const Tensor y = evaluate_graph(*f.graph, {x})[0], yq = evaluate_graph(*q.graph, {xq})[0];
    for (int64_t i = 0; i < y.numel(); ++i) CHECK(y.data<float>()[i] == out.quant->scale[0] * static_cast<float>(yq.data<int16_t>()[i]));
  }
}

TEST_CASE("the entropy observer keeps a range that has no outliers and clips far outliers") {
  // Uniform counts: int8 steps reproduce the whole range exactly (KL 0), any cut adds error.
  CHECK(entropy_threshold(std::vector<double>(2048, 1.0), 0.5, 128) == 1024.0);
  // A decaying distribution (a Relu's magnitudes) with three values near the end of the range:
  // the threshold drops them and keeps the bulk. Worked out with the same algorithm in numpy:
  // 764 bins, where the decay is down to a few counts per bin.
  std::vector<double> decaying(2048);
  for (size_t i = 0; i < decaying.size(); ++i) decaying[i] = std::floor(1e6 * std::exp(-static_cast<double>(i) / 60.0));
  decaying[2040] += 3;
  CHECK(entropy_threshold(decaying, 1.0, 255) == 764.0);
}

TEST_CASE("com.microsoft.QLinearConcat as ONNX Runtime defines it: a copy where the quantization matches, requantized where not") {
  ModelBuilder m;
  auto* contrib = m.proto().add_opset_import();
  contrib->set_domain("com.microsoft");
  contrib->set_version(1);
  auto scalar = [&](const std::string& name, int type, float value) {
    auto* t = m.proto().mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    if (type == onnx::TensorProto::FLOAT)
      t->add_float_data(value);
    else
      t->add_int32_data(static_cast<int32_t>(value));
  };
  scalar("y_scale", onnx::TensorProto::FLOAT, 0.5f);
  scalar("y_zero", onnx::TensorProto::INT8, 3);
  scalar("a_scale", onnx::TensorProto::FLOAT, 0.5f);  // as the output: copied
  scalar("a_zero", onnx::TensorProto::INT8, 3);
  scalar("b_scale", onnx::TensorProto::FLOAT, 0.25f);
  scalar("b_zero", onnx::TensorProto::INT8, -4);
  m.input("a", {1, 2, 2}, onnx::TensorProto::INT8);
  m.input("b", {1, 1, 2}, onnx::TensorProto::INT8);
  auto& concat = m.node("QLinearConcat", {"y_scale", "y_zero", "a", "a_scale", "a_zero", "b", "b_scale", "b_zero"}, {"y"});
  concat.set_domain("com.microsoft");
  ModelBuilder::attr_int(concat, "axis", 1);
  m.output("y", {1, 3, 2}, onnx::TensorProto::INT8);
  auto graph = m.import();
  const Tensor a = Tensor::from_values<int8_t>(Shape{1, 2, 2}, {-128, 0, 5, 127});
  const Tensor b = Tensor::from_values<int8_t>(Shape{1, 1, 2}, {-128, 100});
  const Tensor y = evaluate_graph(*graph, {a, b})[0];
  // b: (-128 + 4) x 0.25 = -31 -> -31 / 0.5 + 3 = -59; (100 + 4) x 0.25 = 26 -> 26 / 0.5 + 3 = 55.
  const std::vector<int8_t> want{-128, 0, 5, 127, -59, 55};
  REQUIRE(y.numel() == 6);
  for (int64_t i = 0; i < 6; ++i) CHECK(y.data<int8_t>()[i] == want[static_cast<size_t>(i)]);
  // The copied input is a strided copy, the other a table lookup on its way into the output.
  int copies = 0, lookups = 0;
  for (const auto& node : graph->nodes()) {
    LowerContext context(*node);
    for (const KernelCall& call : node->op->lower(context)) {
      copies += call.function.find("strided_copy") != std::string::npos;
      lookups += call.function.find("strided_lookup") != std::string::npos;
    }
  }
  CHECK(copies == 1);
  CHECK(lookups == 1);
}

// The com.microsoft ops as ONNX Runtime's quantizer writes them (QOperator format, uint8
// activations), each checked against its float definition on the inputs it actually got:
// y = quantize(f(dequantize(inputs))), rounding half to even and saturating.
TEST_CASE("ONNX Runtime's QOperator ops (uint8): QLinearLeakyRelu, QLinearSigmoid, QLinearAdd, QLinearMul, QLinear(Global)AveragePool within 1 LSB") {
  ModelBuilder m;
  auto* contrib = m.proto().add_opset_import();
  contrib->set_domain("com.microsoft");
  contrib->set_version(1);
  struct Quantization {
    float scale;
    int32_t zero;
  };
  const std::map<std::string, Quantization> q = {{"x", {0.05f, 128}}, {"x2", {0.02f, 100}}, {"l", {0.04f, 20}},  {"s", {1.0f / 255, 0}},
                                                 {"a", {0.03f, 50}},  {"mu", {0.02f, 128}}, {"p", {0.025f, 120}}, {"g", {0.025f, 120}}};
  for (const auto& [name, quantization] : q) {
    m.initializer(name + "_scale", {}, {quantization.scale});
    auto* zero = m.proto().mutable_graph()->add_initializer();
    zero->set_name(name + "_zero");
    zero->set_data_type(onnx::TensorProto::UINT8);
    zero->add_int32_data(quantization.zero);
  }
  auto operands = [](std::initializer_list<std::string> names) {
    std::vector<std::string> list;
    for (const std::string& n : names) {
      list.push_back(n);
      list.push_back(n + "_scale");
      list.push_back(n + "_zero");
    }
    return list;
  };
  auto contrib_node = [&](const std::string& op, std::vector<std::string> inputs, const std::string& output) -> onnx::NodeProto& {
    inputs.push_back(output + "_scale");
    inputs.push_back(output + "_zero");
    auto& node = m.node(op, inputs, {output});
    node.set_domain("com.microsoft");
    return node;
  };
  m.input("x", {1, 4, 6, 6}, onnx::TensorProto::UINT8);
  m.input("x2", {1, 4, 6, 6}, onnx::TensorProto::UINT8);
  ModelBuilder::attr_float(contrib_node("QLinearLeakyRelu", operands({"x"}), "l"), "alpha", 0.1f);
  contrib_node("QLinearSigmoid", operands({"l"}), "s");
  std::vector<std::string> add_inputs = operands({"s", "x2"});
  contrib_node("QLinearAdd", add_inputs, "a");
  contrib_node("QLinearMul", operands({"a", "x2"}), "mu");
  auto& pool = contrib_node("QLinearAveragePool", operands({"mu"}), "p");
  ModelBuilder::attr_ints(pool, "kernel_shape", {2, 2});
  ModelBuilder::attr_ints(pool, "strides", {2, 2});
  contrib_node("QLinearGlobalAveragePool", operands({"p"}), "g");
  for (const char* out : {"l", "s", "a", "mu"}) m.output(out, {1, 4, 6, 6}, onnx::TensorProto::UINT8);
  m.output("p", {1, 4, 3, 3}, onnx::TensorProto::UINT8);
  m.output("g", {1, 4, 1, 1}, onnx::TensorProto::UINT8);
  auto graph = m.import();
  std::vector<uint8_t> bytes_x(144), bytes_x2(144);
  // x: a ramp over the whole uint8 range (both signs, saturation); x2: the same shuffled.
  for (size_t i = 0; i < 144; ++i) bytes_x[i] = static_cast<uint8_t>(i * 255 / 143), bytes_x2[i] = static_cast<uint8_t>((i * 91 + 5) % 256);
  const Tensor x = Tensor::from_values<uint8_t>(Shape{1, 4, 6, 6}, bytes_x), x2 = Tensor::from_values<uint8_t>(Shape{1, 4, 6, 6}, bytes_x2);
  const std::vector<Tensor> got = evaluate_graph(*graph, {x, x2});
  std::map<std::string, const Tensor*> value{{"x", &x}, {"x2", &x2}};
  const char* names[] = {"l", "s", "a", "mu", "p", "g"};
  for (size_t k = 0; k < 6; ++k) value[names[k]] = &got[k];
  auto real = [&](const std::string& name, int64_t i) { return (value.at(name)->as_double(i) - q.at(name).zero) * q.at(name).scale; };
  auto worst_lsb = [&](const std::string& name, const std::function<double(int64_t)>& f) {
    double worst = 0;
    for (int64_t i = 0; i < value.at(name)->numel(); ++i) {
      const double want = std::clamp(std::nearbyint(f(i) / q.at(name).scale) + q.at(name).zero, 0.0, 255.0);
      worst = std::max(worst, std::fabs(value.at(name)->as_double(i) - want));
    }
    return worst;
  };
  CHECK(worst_lsb("l", [&](int64_t i) { return real("x", i) < 0 ? 0.1 * real("x", i) : real("x", i); }) <= 1);
  CHECK(worst_lsb("s", [&](int64_t i) { return 1 / (1 + std::exp(-real("l", i))); }) <= 1);
  CHECK(worst_lsb("a", [&](int64_t i) { return real("s", i) + real("x2", i); }) <= 1);
  CHECK(worst_lsb("mu", [&](int64_t i) { return real("a", i) * real("x2", i); }) <= 1);
  CHECK(worst_lsb("p", [&](int64_t i) {  // 2x2 windows of the 6x6 planes
          const int64_t plane = i / 9, row = i / 3 % 3, col = i % 3;
          double sum = 0;
          for (int64_t dr = 0; dr < 2; ++dr)
            for (int64_t dc = 0; dc < 2; ++dc) sum += real("mu", plane * 36 + (2 * row + dr) * 6 + 2 * col + dc);
          return sum / 4;
        }) <= 1);
  CHECK(worst_lsb("g", [&](int64_t i) {
          double sum = 0;
          for (int64_t j = 0; j < 9; ++j) sum += real("p", i * 9 + j);
          return sum / 9;
        }) <= 1);
}

TEST_CASE("fuse_qdq merges a requantization, QuantizeLinear(DequantizeLinear(x)), into one table, equal on every value") {
  for (const bool same : {false, true}) {
    INFO((same ? "same quantization" : "different quantization"));
    ModelBuilder m;
    m.input("x", {1, 256});
    m.initializer("s1", {}, {0.02f});
    m.initializer("s2", {}, {same ? 0.02f : 0.05f});
    auto zero = [&](const std::string& name, int32_t value) {
      auto* t = m.proto().mutable_graph()->add_initializer();
      t->set_name(name);
      t->set_data_type(onnx::TensorProto::INT8);
      t->add_int32_data(value);
    };
    zero("z1", 3);
    zero("z2", same ? 3 : -10);
    m.node("QuantizeLinear", {"x", "s1", "z1"}, {"q1"});
    m.node("DequantizeLinear", {"q1", "s1", "z1"}, {"d1"});
    m.node("QuantizeLinear", {"d1", "s2", "z2"}, {"q2"});
    m.node("DequantizeLinear", {"q2", "s2", "z2"}, {"y"});
    m.output("y", {1, 256});
    auto reference = m.import();
    auto fused = reference->clone();
    PassContext context;
    fuse_qdq(*fused, context);
    eliminate_dead_nodes(*fused, context);
    CHECK(count_op(*fused, "Lookup") == (same ? 0 : 1));
    CHECK(count_op(*fused, "QuantizeLinear") == 1);    // the input's
    CHECK(count_op(*fused, "DequantizeLinear") == 1);  // the output's
    // Every int8 level of x (and values between levels) through both graphs.
    std::vector<float> values(256);
    for (size_t i = 0; i < values.size(); ++i) values[i] = (static_cast<float>(i) - 131.0f) * 0.02f + (i % 3 == 0 ? 0.007f : 0.0f);
    const Tensor input = Tensor::from_values<float>(Shape{1, 256}, values);
    const Tensor want = evaluate_graph(*reference, {input})[0], got = evaluate_graph(*fused, {input})[0];
    for (int64_t i = 0; i < want.numel(); ++i) CHECK(got.data<float>()[i] == want.data<float>()[i]);
  }
}

namespace {

// The packed weights (argument 2) of every call of `kernel`, in node order.
std::vector<TensorPtr> packed_weights(const Graph& g, const std::string& kernel) {
  std::vector<TensorPtr> weights;
  for (const auto& node : g.nodes())
    for (const KernelCall& call : node->kernels)
      if (call.function == kernel) weights.push_back(call.args.at(2).constant);
  return weights;
}

// Compiles MLPerf model `name` with compact and with widened weights: `layers` calls of
// `kernel` take int8 weights in the one and `kernel` + ", int16_t>" int16 ones in the other,
// the same values (weight k of row r of each group of four at PackedRows::index(k, r,
// compact_reordered) in the int8 form, at index(k, r, !compact_reordered) in the int16 one),
// and the outputs on the model's three test sets are the same.
void check_widened(const std::string& name, const std::string& kernel, size_t layers, bool compact_reordered) {
  CompileOptions compact;
  compact.model = std::string(MOTE_SOURCE_DIR) + "/samples/mlperf-tiny/" + name + "/model.onnx";
  CompileOptions widened = compact;
  widened.passes.lowering.widen_weights = true;
  const CompileResult c = compile_model(compact), w = compile_model(widened);
  const std::vector<TensorPtr> packed = packed_weights(*c.graph, kernel + ">");
  const std::vector<TensorPtr> wide = packed_weights(*w.graph, kernel + ", int16_t>");
  REQUIRE(packed.size() == layers);
  REQUIRE(wide.size() == layers);
  CHECK(packed_weights(*w.graph, kernel + ">").empty());
  for (size_t layer = 0; layer < layers; ++layer) {
    REQUIRE(packed[layer]->dtype() == DType::Int8);
    REQUIRE(wide[layer]->dtype() == DType::Int16);
    REQUIRE(wide[layer]->numel() == packed[layer]->numel());
    CHECK(wide[layer]->byte_size() == 2 * packed[layer]->byte_size());
    for (int32_t at = 0; at < packed[layer]->numel(); at += 8)
      for (int32_t k = 0; k < 4; ++k)
        for (int32_t r = 0; r < 2; ++r)
          CHECK(wide[layer]->data<int16_t>()[at + mote::s8::PackedRows::index(k, r, !compact_reordered)] ==
                packed[layer]->data<int8_t>()[at + mote::s8::PackedRows::index(k, r, compact_reordered)]);
  }
  for (int set = 0; set < 3; ++set) {
    const Tensor x = onnx_frontend::read_tensor_file(std::string(MOTE_SOURCE_DIR) + "/samples/mlperf-tiny/" + name + "/test_data_set_" +
                                                     std::to_string(set) + "/input_0.pb");
    const Tensor want = evaluate_graph(*c.graph, {x})[0], got = evaluate_graph(*w.graph, {x})[0];
    for (int64_t i = 0; i < want.numel(); ++i) CHECK(want.data<float>()[i] == got.data<float>()[i]);
  }
}

}  // namespace

TEST_CASE("widened weights (--widen-weights): qconv_s8 reads the same weights as int16 in order, twice the bytes, with the same outputs") {
  // kws: the 10x4 first layer and four 1x1 layers; int8 weights reordered for the columns'
  // pairs (__sxtb16 splits them), int16 ones in order.
  check_widened("kws_int8_qdq", "mote::qconv_s8<int8_t, int8_t", 5, true);
}

TEST_CASE("widened weights (--widen-weights): qfully_connected_s8 reads int16 weights reordered to meet int8 activations' halves, with the same outputs") {
  // ad: ten fully connected layers; int8 weights in order, int16 ones k0 k2 k1 k3, as
  // __sxtab16 splits the activations.
  check_widened("ad_int8_qdq", "mote::qfully_connected_s8<int8_t, int8_t", 10, false);
}
