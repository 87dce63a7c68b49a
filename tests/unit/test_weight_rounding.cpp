// Weight rounding (passes/weight_rounding.h): the ops' input patches against their own outputs,
// and GPTQ's rounding against round-to-nearest on the error the layer's output sees.
#include <catch2/catch.hpp>

#include <cmath>

#include "compiler/eval/evaluator.h"
#include "compiler/ops/op_def.h"
#include "model_builder.h"
#include "passes/weight_rounding.h"

using namespace mote;
using mote::test::ModelBuilder;

namespace {

const Node& only_node(const Graph& graph, const std::string& op) {
  const Node* found = nullptr;
  for (const auto& node : graph.nodes())
    if (node->op_name() == op) found = node.get();
  REQUIRE(found);
  return *found;
}

// Index of weight j (patch order) of output channel c in weights of `shape` with output
// channels along `axis`.
int64_t weight_index(const Shape& shape, int axis, int64_t c, int64_t j) {
  const int64_t channels = shape[axis], inner = shape.numel(axis + 1, shape.rank());
  return ((j / inner) * channels + c) * inner + j % inner;
}

// Every output element of the graph's one `op` node equals its patch times its channel's
// weights plus its bias: the patches are the values the op multiplies with the weights.
void check_patches(const Graph& graph, const std::string& op, uint32_t seed) {
  const Node& node = only_node(graph, op);
  const Value* x = graph.inputs[0];
  const Tensor input = Tensor::from_values<float>(x->shape, test::random_floats(static_cast<size_t>(x->shape.numel()), seed));
  const Tensor output = evaluate_graph(graph, {input})[0];
  ChannelWeights layout;
  REQUIRE(node.op->channel_weights(node, layout));
  WeightInputs inputs;
  REQUIRE(node.op->weight_inputs(node, inputs));
  const Tensor& w = *node.inputs[layout.input]->constant;
  const Shape& out = output.shape();
  const int64_t channels = out[layout.data_axis], per_group = channels / inputs.groups, after = out.numel(layout.data_axis + 1, out.rank());
  CHECK(inputs.positions * channels == out.numel());
  CHECK(inputs.size * channels == w.numel());
  std::vector<double> patch(static_cast<size_t>(inputs.size));
  double worst = 0;
  for (int64_t p = 0; p < inputs.positions; ++p)
    for (int64_t g = 0; g < inputs.groups; ++g) {
      inputs.gather(input.data<float>(), p, g, patch.data());
      for (int64_t c = g * per_group; c < (g + 1) * per_group; ++c) {
        double sum = node.has_input(2) ? node.inputs[2]->constant->as_double(c) : 0.0;
        for (int64_t j = 0; j < inputs.size; ++j) sum += patch[static_cast<size_t>(j)] * w.as_double(weight_index(w.shape(), layout.output_axis, c, j));
        worst = std::max(worst, std::fabs(sum - output.as_double(((p / after) * channels + c) * after + p % after)));
      }
    }
  CHECK(worst < 1e-4);
}

// y = x W^T, x [rows, k], W [n, k].
std::unique_ptr<Graph> gemm_model(int64_t rows, int64_t k, int64_t n, const std::vector<float>& weights) {
  ModelBuilder m;
  m.input("x", {rows, k});
  m.initializer("w", {n, k}, weights);
  auto& gemm = m.node("Gemm", {"x", "w"}, {"y"});
  ModelBuilder::attr_int(gemm, "transB", 1);
  m.output("y", {rows, n});
  return m.import();
}

// Sum over the inputs of (x . (w - q * scale))^2 for every output channel: the error the
// layer's output sees.
double output_error(const std::vector<Tensor>& inputs, const Tensor& w, const std::vector<int8_t>& q, const std::vector<float>& scales) {
  const int64_t n = w.shape()[0], k = w.shape()[1];
  double error = 0;
  for (const Tensor& x : inputs)
    for (int64_t r = 0; r < x.shape()[0]; ++r)
      for (int64_t c = 0; c < n; ++c) {
        double e = 0;
        for (int64_t j = 0; j < k; ++j)
          e += x.as_double(r * k + j) * (w.as_double(c * k + j) - q[static_cast<size_t>(c * k + j)] * static_cast<double>(scales[static_cast<size_t>(c)]));
        error += e * e;
      }
  return error;
}

}  // namespace

TEST_CASE("weight_inputs: each patch times its channel's weights is the op's output (Conv strided, padded, dilated, grouped, Gemm, MatMul)") {
  for (auto [group, stride, dilation, pad] : {std::tuple{1, 1, 1, 1}, std::tuple{2, 2, 1, 0}, std::tuple{6, 1, 2, 2}, std::tuple{3, 2, 2, 1}}) {
    INFO("group " << group << " stride " << stride << " dilation " << dilation << " pad " << pad);
    ModelBuilder m;
    m.input("x", {2, 6, 7, 8});
    m.initializer("w", {6, 6 / group, 3, 2}, test::random_floats(static_cast<size_t>(6 * 6 / group * 6), 3));
    m.initializer("b", {6}, test::random_floats(6, 4));
    auto& conv = m.node("Conv", {"x", "w", "b"}, {"y"});
    ModelBuilder::attr_int(conv, "group", group);
    ModelBuilder::attr_ints(conv, "strides", {stride, stride});
    ModelBuilder::attr_ints(conv, "dilations", {dilation, dilation});
    ModelBuilder::attr_ints(conv, "pads", {pad, pad + 1, pad, 0});
    m.output("y", {2, 6, (7 + 2 * pad - 2 * dilation - 1) / stride + 1, (8 + pad + 1 - dilation - 1) / stride + 1});
    check_patches(*m.import(), "Conv", 5);
  }
  for (const int trans_b : {0, 1}) {
    ModelBuilder m;
    m.input("x", {5, 7});
    m.initializer("w", trans_b ? std::vector<int64_t>{3, 7} : std::vector<int64_t>{7, 3}, test::random_floats(21, 6));
    m.initializer("b", {3}, test::random_floats(3, 7));
    ModelBuilder::attr_int(m.node("Gemm", {"x", "w", "b"}, {"y"}), "transB", trans_b);
    m.output("y", {5, 3});
    check_patches(*m.import(), "Gemm", 8);
  }
  ModelBuilder m;
  m.input("x", {2, 3, 7});
  m.initializer("w", {7, 4}, test::random_floats(28, 9));
  m.node("MatMul", {"x", "w"}, {"y"});
  m.output("y", {2, 3, 4});
  check_patches(*m.import(), "MatMul", 10);
}

TEST_CASE("GPTQ rounding: under a third of round-to-nearest's output error on correlated inputs, every weight in [-127, 127]") {
  constexpr int64_t kRows = 64, kInputs = 24, kOutputs = 8;
  const std::vector<float> weights = test::random_floats(kOutputs * kInputs, 11);
  const auto graph = gemm_model(kRows, kInputs, kOutputs, weights);
  const Node& gemm = only_node(*graph, "Gemm");
  const Tensor& w = *gemm.inputs[1]->constant;
  // Inputs mixed from four sources, as a layer's inputs are: H far from diagonal.
  const std::vector<float> mixing = test::random_floats(kInputs * 4, 12);
  std::vector<Tensor> samples;
  WeightRounding rounding(gemm);
  for (uint32_t s = 0; s < 8; ++s) {
    const std::vector<float> sources = test::random_floats(kRows * 4, 100 + s);
    std::vector<float> x(kRows * kInputs);
    for (int64_t r = 0; r < kRows; ++r)
      for (int64_t j = 0; j < kInputs; ++j)
        for (int64_t k = 0; k < 4; ++k) x[static_cast<size_t>(r * kInputs + j)] += sources[static_cast<size_t>(r * 4 + k)] * mixing[static_cast<size_t>(j * 4 + k)];
    samples.push_back(Tensor::from_values<float>(Shape{kRows, kInputs}, x));
    rounding.observe(samples.back());
  }
  std::vector<float> scales(kOutputs);
  for (int64_t c = 0; c < kOutputs; ++c)
    for (int64_t j = 0; j < kInputs; ++j) scales[static_cast<size_t>(c)] = std::max(scales[static_cast<size_t>(c)], std::fabs(weights[static_cast<size_t>(c * kInputs + j)]) / 127.0f);
  const std::vector<int8_t> gptq = rounding.round(w, 0, scales), nearest = round_to_nearest(w, 0, scales);
  for (int8_t q : gptq) CHECK(q >= -127);
  const double gptq_error = output_error(samples, w, gptq, scales), nearest_error = output_error(samples, w, nearest, scales);
  WARN("output error: GPTQ " << gptq_error << ", nearest " << nearest_error);
  CHECK(gptq_error * 3 < nearest_error);
}

TEST_CASE("GPTQ rounding equals round-to-nearest when no two inputs correlate (H diagonal) and when no input was seen") {
  constexpr int64_t kInputs = 6, kOutputs = 3;
  const std::vector<float> weights = test::random_floats(kOutputs * kInputs, 13);
  const auto graph = gemm_model(kInputs, kInputs, kOutputs, weights);
  const Node& gemm = only_node(*graph, "Gemm");
  const Tensor& w = *gemm.inputs[1]->constant;
  const std::vector<float> scales(kOutputs, 1.0f / 127.0f);
  WeightRounding unseen(gemm);
  CHECK(unseen.round(w, 0, scales) == round_to_nearest(w, 0, scales));
  // One input at a time: x x^T summed is diagonal, so no error has anywhere to go.
  std::vector<float> one_hot(kInputs * kInputs);
  for (int64_t j = 0; j < kInputs; ++j) one_hot[static_cast<size_t>(j * kInputs + j)] = 1.0f + static_cast<float>(j);
  WeightRounding diagonal(gemm);
  diagonal.observe(Tensor::from_values<float>(Shape{kInputs, kInputs}, one_hot));
  CHECK(diagonal.round(w, 0, scales) == round_to_nearest(w, 0, scales));
}
