// Each pass: the rewritten structure, and the same numbers before and after on random inputs.
#include <catch2/catch.hpp>

#include <cmath>

#include "compiler/driver/compile.h"
#include "compiler/eval/evaluator.h"
#include "compiler/ops/conv.h"
#include "compiler/ops/gemm.h"
#include "compiler/ops/op_def.h"
#include "passes/passes.h"
#include "passes/pipeline.h"
#include "tests/unit/model_builder.h"

using namespace mote;
using mote::test::ModelBuilder;

namespace {

void run_pass(Graph& graph, const char* name, PassContext* context = nullptr) {
  PassContext local;
  const Pass* pass = find_pass(name);
  REQUIRE(pass);
  pass->run(graph, context ? *context : local);
}

std::vector<Tensor> random_inputs(const Graph& graph, uint32_t seed) {
  std::vector<Tensor> inputs;
  for (const Value* v : graph.inputs) {
    std::vector<float> values = test::random_floats(static_cast<size_t>(v->shape.numel()), seed++);
    inputs.push_back(Tensor::from_values<float>(v->shape, values));
  }
  return inputs;
}

// The pass must not change what the graph computes.
void check_same_numbers(const Graph& before, const Graph& after) {
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    std::vector<Tensor> in = random_inputs(before, seed);
    std::vector<Tensor> a = evaluate_graph(before, in), b = evaluate_graph(after, in);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) CHECK(a[i].same_contents(b[i]));
  }
}

// For rewrites that round folded constants once: the same numbers within float rounding.
void check_close_numbers(const Graph& before, const Graph& after) {
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    std::vector<Tensor> in = random_inputs(before, seed);
    std::vector<Tensor> a = evaluate_graph(before, in), b = evaluate_graph(after, in);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      REQUIRE(a[i].numel() == b[i].numel());
      for (int64_t k = 0; k < a[i].numel(); ++k)
        CHECK(b[i].data<float>()[k] == Approx(a[i].data<float>()[k]).epsilon(1e-5).margin(1e-5));
    }
  }
}

int count_op(const Graph& g, const std::string& op) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->op->name == op;
  return n;
}

}  // namespace

TEST_CASE("remove_identity bypasses Identity and Dropout") {
  ModelBuilder m;
  m.input("x", {2, 3});
  m.node("Relu", {"x"}, {"a"});
  m.node("Identity", {"a"}, {"b"});
  m.node("Dropout", {"b"}, {"c"});
  m.node("Add", {"c", "x"}, {"y"});
  m.output("y", {2, 3});
  auto graph = m.import();
  auto before = graph->clone();
  run_pass(*graph, "remove_identity");
  CHECK(graph->nodes().size() == 2);
  CHECK(count_op(*graph, "Identity") == 0);
  CHECK(count_op(*graph, "Dropout") == 0);
  CHECK(graph->nodes()[1]->inputs[0] == graph->nodes()[0]->outputs[0]);
  check_same_numbers(*before, *graph);
}

TEST_CASE("fold_constants evaluates constant subgraphs") {
  ModelBuilder m;
  m.input("x", {4});
  m.initializer("c1", {4}, {1, 2, 3, 4});
  m.initializer("c2", {4}, {0.5f, 0.5f, 0.5f, 0.5f});
  m.node("Mul", {"c1", "c2"}, {"scale"});
  m.node("Exp", {"scale"}, {"e"});
  m.node("Mul", {"x", "e"}, {"y"});
  m.output("y", {4});
  auto graph = m.import();
  auto before = graph->clone();
  run_pass(*graph, "fold_constants");
  REQUIRE(graph->nodes().size() == 1);
  const Value* folded = graph->nodes()[0]->inputs[1];
  REQUIRE(folded->is_constant());
  CHECK(folded->constant->data<float>()[3] == std::exp(2.0f));
  check_same_numbers(*before, *graph);
}

TEST_CASE("fold_constants keeps nodes whose result would bloat the weights") {
  ModelBuilder m;
  m.input("x", {64, 64});
  m.initializer("one", {1}, {1.0f});
  m.initializer_i64("shape", {2}, {64, 64});
  m.node("Expand", {"one", "shape"}, {"ones"});
  m.node("Add", {"x", "ones"}, {"y"});
  m.output("y", {64, 64});
  auto graph = m.import();
  PassContext context;
  run_pass(*graph, "fold_constants", &context);
  CHECK(count_op(*graph, "Expand") == 1);  // 16 KiB of ones stay a run-time fill
  REQUIRE(context.notes.size() == 1);
  CHECK(context.notes[0].find("kept") != std::string::npos);
  context.options.fold_growth_limit_bytes = 1 << 20;
  run_pass(*graph, "fold_constants", &context);
  CHECK(count_op(*graph, "Expand") == 0);
}

TEST_CASE("eliminate_dead_nodes drops what no output needs") {
  ModelBuilder m;
  m.input("x", {3});
  m.node("Relu", {"x"}, {"used"});
  m.node("Exp", {"x"}, {"dead1"});
  m.node("Log", {"dead1"}, {"dead2"});
  m.output("used", {3});
  auto graph = m.import();
  auto before = graph->clone();
  run_pass(*graph, "eliminate_dead_nodes");
  REQUIRE(graph->nodes().size() == 1);
  CHECK(std::string(graph->nodes()[0]->op->name) == "Relu");
  CHECK_FALSE(graph->find_value("dead2"));
  check_same_numbers(*before, *graph);
}

TEST_CASE("the pipeline is data: names, order, mandatory passes") {
  const auto& pipeline = default_pipeline();
  REQUIRE(!pipeline.empty());
  CHECK(std::string(pipeline.front().name) == "verify");
  CHECK(std::string(pipeline.back().name) == "plan_memory");
  ModelBuilder m;
  m.input("x", {3});
  m.node("Relu", {"x"}, {"y"});
  m.output("y", {3});
  auto graph = m.import();
  PassContext context;
  PipelineOptions options;
  options.disabled = {"lower_kernels"};
  CHECK_THROWS_AS(run_pipeline(*graph, context, options), UserError);
  options.disabled = {"no_such_pass"};
  CHECK_THROWS_AS(run_pipeline(*graph, context, options), UserError);
}

TEST_CASE("verify catches a shape that contradicts the shape rule") {
  ModelBuilder m;
  m.input("x", {2, 3});
  m.node("Relu", {"x"}, {"y"});
  m.output("y", {2, 3});
  auto graph = m.import();
  graph->outputs[0]->shape = Shape{3, 2};
  CHECK_THROWS_AS(run_pass(*graph, "verify"), InternalError);
}

namespace {

// x[1,2,5,5] -> Conv 3x3 (3 out channels, bias) -> conv_out
void add_conv(ModelBuilder& m, bool with_bias = true) {
  m.input("x", {1, 2, 5, 5});
  m.initializer("w", {3, 2, 3, 3}, test::random_floats(54, 11));
  std::vector<std::string> inputs = {"x", "w"};
  if (with_bias) {
    m.initializer("b", {3}, {0.1f, -0.2f, 0.3f});
    inputs.push_back("b");
  }
  auto& conv = m.node("Conv", inputs, {"conv_out"});
  ModelBuilder::attr_ints(conv, "pads", {1, 1, 1, 1});
}

}  // namespace

TEST_CASE("fold_channel_affine folds BatchNormalization into the Conv before it") {
  ModelBuilder m;
  add_conv(m, false);
  m.initializer("gamma", {3}, {0.5f, 2.0f, -1.0f});
  m.initializer("beta", {3}, {0.0f, 1.0f, -0.5f});
  m.initializer("mean", {3}, {0.2f, -0.1f, 0.0f});
  m.initializer("var", {3}, {1.0f, 0.25f, 4.0f});
  m.node("BatchNormalization", {"conv_out", "gamma", "beta", "mean", "var"}, {"bn"});
  m.node("Relu", {"bn"}, {"y"});
  m.output("y", {1, 3, 5, 5});
  auto graph = m.import();
  auto before = graph->clone();
  run_pass(*graph, "fold_channel_affine");
  CHECK(count_op(*graph, "BatchNormalization") == 0);
  REQUIRE(graph->nodes().size() == 2);
  const Node& conv = *graph->nodes()[0];
  CHECK(conv.outputs[0]->name == "bn");  // the value after the fold keeps the consumer's name
  REQUIRE(conv.has_input(2));
  // Channel 1: s = 2 / sqrt(0.25 + 1e-5), bias 0 -> 1 - (-0.1) * s.
  const double s1 = 2.0 / std::sqrt(0.25 + 1e-5);
  CHECK(conv.inputs[2]->constant->data<float>()[1] == Approx(1.0 + 0.1 * s1));
  check_close_numbers(*before, *graph);
}

TEST_CASE("fold_channel_affine folds per-channel Mul and Add into Gemm, not a shared Conv output") {
  ModelBuilder m;
  m.input("x", {2, 4});
  m.initializer("w", {4, 3}, test::random_floats(12, 5));
  m.initializer("c", {3}, {1.0f, 2.0f, 3.0f});
  m.initializer("scale", {3}, {2.0f, -1.0f, 0.5f});
  m.initializer("shift", {1, 3}, {0.25f, 0.0f, -4.0f});
  auto& gemm = m.node("Gemm", {"x", "w", "c"}, {"g"});
  ModelBuilder::attr_float(gemm, "beta", 0.5f);
  m.node("Mul", {"scale", "g"}, {"scaled"});
  m.node("Add", {"scaled", "shift"}, {"y"});
  m.output("y", {2, 3});
  auto graph = m.import();
  auto before = graph->clone();
  run_pass(*graph, "fold_channel_affine");
  REQUIRE(graph->nodes().size() == 1);
  CHECK(count_op(*graph, "Gemm") == 1);
  // Column 2: C' = beta * c * s + t = 0.5 * 3 * 0.5 - 4.
  CHECK(graph->nodes()[0]->inputs[2]->constant->data<float>()[2] == Approx(-3.25));
  check_close_numbers(*before, *graph);

  ModelBuilder shared;
  add_conv(shared);
  shared.initializer("k", {1, 3, 1, 1}, {1.0f, 2.0f, 3.0f});
  shared.node("Mul", {"conv_out", "k"}, {"scaled"});
  shared.node("Add", {"conv_out", "scaled"}, {"y"});  // conv_out is read twice
  shared.output("y", {1, 3, 5, 5});
  auto kept = shared.import();
  run_pass(*kept, "fold_channel_affine");
  CHECK(kept->nodes().size() == 3);
}

TEST_CASE("fuse_activations moves Relu, Clip and Sigmoid into the producer's store") {
  ModelBuilder m;
  add_conv(m);
  m.initializer("lo", {}, {0.0f});
  m.initializer("hi", {}, {0.2f});
  m.node("Clip", {"conv_out", "lo", "hi"}, {"clipped"});
  m.initializer("w2", {75, 4}, test::random_floats(300, 3));
  m.initializer_i64("flat", {2}, {1, 75});
  m.node("Reshape", {"clipped", "flat"}, {"flat_out"});
  m.node("Gemm", {"flat_out", "w2"}, {"g"});
  m.node("Sigmoid", {"g"}, {"y"});
  m.output("y", {1, 4});
  auto graph = m.import();
  auto before = graph->clone();
  run_pass(*graph, "fuse_activations");
  CHECK(count_op(*graph, "Clip") == 0);
  CHECK(count_op(*graph, "Sigmoid") == 0);
  REQUIRE(graph->nodes().size() == 3);
  const Node& conv = *graph->nodes()[0];
  REQUIRE(conv.activation);
  CHECK(conv.activation->kind == FusedActivation::Kind::Clip);
  CHECK(conv.activation->beta == 0.2f);
  REQUIRE(graph->nodes()[2]->activation);
  CHECK(graph->nodes()[2]->activation->kind == FusedActivation::Kind::Sigmoid);
  CHECK(graph->outputs[0]->producer == graph->nodes()[2].get());
  run_pass(*graph, "lower_kernels");
  check_same_numbers(*before, *graph);  // same functor after the same rounding: bit-identical
}

TEST_CASE("fuse_activations leaves a Clip whose bounds come at run time") {
  ModelBuilder m;
  add_conv(m);
  m.input("hi", {});
  m.initializer("lo", {}, {0.0f});
  m.node("Clip", {"conv_out", "lo", "hi"}, {"y"});
  m.output("y", {1, 3, 5, 5});
  auto graph = m.import();
  run_pass(*graph, "fuse_activations");
  CHECK(count_op(*graph, "Clip") == 1);
  CHECK_FALSE(graph->nodes()[0]->activation);
}

TEST_CASE("eliminate_common_subexpressions merges identical constants and nodes") {
  ModelBuilder m;
  m.input("x", {2, 3});
  m.initializer("k1", {3}, {1.0f, 2.0f, 3.0f});
  m.initializer("k2", {3}, {1.0f, 2.0f, 3.0f});
  m.initializer("k3", {3}, {1.0f, 2.0f, 4.0f});
  m.node("Add", {"x", "k1"}, {"a"});
  m.node("Add", {"x", "k2"}, {"b"});  // the same as a once k2 is k1
  m.node("Relu", {"a"}, {"ra"});
  m.node("Relu", {"b"}, {"rb"});      // then the same as ra
  m.node("Mul", {"ra", "rb"}, {"p"});
  auto& leaky1 = m.node("LeakyRelu", {"p"}, {"l1"});
  ModelBuilder::attr_float(leaky1, "alpha", 0.1f);
  auto& leaky2 = m.node("LeakyRelu", {"p"}, {"l2"});
  ModelBuilder::attr_float(leaky2, "alpha", 0.10000001f);  // differs in the last bit: kept
  m.node("Add", {"l1", "l2"}, {"s"});
  m.node("Add", {"s", "k3"}, {"y"});
  m.output("y", {2, 3});
  auto graph = m.import();
  auto before = graph->clone();
  PassContext context;
  run_pass(*graph, "eliminate_common_subexpressions", &context);
  CHECK(count_op(*graph, "Add") == 3);
  CHECK(count_op(*graph, "Relu") == 1);
  CHECK(count_op(*graph, "LeakyRelu") == 2);
  CHECK(graph->find_value("k2") == nullptr);
  CHECK(graph->find_value("k3") != nullptr);
  CHECK(context.notes.back().find("1 duplicate constants, 2 duplicate nodes") != std::string::npos);
  check_same_numbers(*before, *graph);
}

TEST_CASE("fold_padding folds a zero Pad into the Conv after it, not a non-zero one") {
  for (float value : {0.0f, 1.5f}) {
    ModelBuilder m;
    m.input("x", {1, 2, 5, 5});
    m.initializer_i64("pads", {8}, {0, 0, 1, 2, 0, 0, 1, 2});
    m.initializer("value", {}, {value});
    m.initializer("w", {3, 2, 3, 3}, test::random_floats(54, 2));
    m.node("Pad", {"x", "pads", "value"}, {"padded"});
    auto& conv = m.node("Conv", {"padded", "w"}, {"y"});
    ModelBuilder::attr_ints(conv, "pads", {1, 0, 0, 0});
    m.output("y", {1, 3, 6, 7});
    auto graph = m.import();
    auto before = graph->clone();
    run_pass(*graph, "fold_padding");
    if (value != 0.0f) {
      CHECK(count_op(*graph, "Pad") == 1);
      continue;
    }
    REQUIRE(graph->nodes().size() == 1);
    const Node& folded = *graph->nodes()[0];
    CHECK(folded.inputs[0]->name == "x");
    // Conv's own pads [1, 0, 0, 0] plus the Pad's spatial [1, 2] at the begin and end.
    CHECK(folded.attrs_as<ops::ConvAttrs>().pads == std::vector<int64_t>{2, 2, 1, 2});
    check_close_numbers(*before, *graph);
  }
}

TEST_CASE("fold_padding folds a zero Pad into an AveragePool that pads nothing itself") {
  for (bool own_pads : {false, true}) {
    ModelBuilder m;
    m.input("x", {1, 2, 5, 6});
    m.initializer_i64("pads", {8}, {0, 0, 1, 2, 0, 0, 2, 1});
    m.node("Pad", {"x", "pads"}, {"padded"});
    auto& pool = m.node("AveragePool", {"padded"}, {"y"});
    ModelBuilder::attr_ints(pool, "kernel_shape", {3, 3});
    if (own_pads) ModelBuilder::attr_ints(pool, "pads", {1, 1, 1, 1});  // mixing two paddings: left alone
    m.output("y", own_pads ? std::vector<int64_t>{1, 2, 8, 9} : std::vector<int64_t>{1, 2, 6, 7});
    auto graph = m.import();
    auto before = graph->clone();
    run_pass(*graph, "fold_padding");
    if (own_pads) {
      CHECK(count_op(*graph, "Pad") == 1);
      continue;
    }
    REQUIRE(graph->nodes().size() == 1);
    CHECK(graph->nodes()[0]->inputs[0]->name == "x");
    CHECK(graph->nodes()[0]->op_name() == "AveragePool");
    check_close_numbers(*before, *graph);  // the zeros are still averaged in
  }
}

TEST_CASE("fold_channel_affine folds BatchNormalization into a grouped ConvTranspose") {
  ModelBuilder m;
  m.input("x", {1, 4, 3, 3});
  m.initializer("w", {4, 3, 2, 2}, test::random_floats(48, 5));  // 2 groups of 2 inputs -> 6 outputs
  m.initializer("b", {6}, test::random_floats(6, 6));
  m.initializer("scale", {6}, {0.5f, 2.0f, -1.0f, 1.5f, 0.25f, 3.0f});
  m.initializer("shift", {6}, {0.1f, -0.2f, 0.3f, 0.0f, 1.0f, -1.0f});
  m.initializer("mean", {6}, {0.0f, 1.0f, -1.0f, 0.5f, 0.2f, 0.0f});
  m.initializer("var", {6}, {1.0f, 0.5f, 2.0f, 1.0f, 4.0f, 0.25f});
  auto& deconv = m.node("ConvTranspose", {"x", "w", "b"}, {"d"});
  ModelBuilder::attr_int(deconv, "group", 2);
  ModelBuilder::attr_ints(deconv, "strides", {2, 2});
  m.node("BatchNormalization", {"d", "scale", "shift", "mean", "var"}, {"y"});
  m.output("y", {1, 6, 6, 6});
  auto graph = m.import();
  auto before = graph->clone();
  run_pass(*graph, "fold_channel_affine");
  CHECK(count_op(*graph, "BatchNormalization") == 0);
  CHECK(count_op(*graph, "ConvTranspose") == 1);
  check_close_numbers(*before, *graph);
}

TEST_CASE("fold_transpose_flags turns a Transpose before a Gemm into its transA / transB flag") {
  ModelBuilder m;
  m.input("x", {4, 2});
  m.input("w", {3, 4});
  auto& ta = m.node("Transpose", {"x"}, {"xt"});  // 2x4
  ModelBuilder::attr_ints(ta, "perm", {1, 0});
  auto& tb = m.node("Transpose", {"w"}, {"wt"});  // 4x3
  ModelBuilder::attr_ints(tb, "perm", {1, 0});
  m.node("Gemm", {"xt", "wt"}, {"y"});
  m.node("Relu", {"wt"}, {"r"});  // wt has a second reader: its Transpose stays
  m.output("y", {2, 3});
  m.output("r", {4, 3});
  auto graph = m.import();
  auto before = graph->clone();
  run_pass(*graph, "fold_transpose_flags");
  CHECK(count_op(*graph, "Transpose") == 1);
  const Node* gemm = nullptr;
  for (const auto& node : graph->nodes())
    if (node->op_name() == "Gemm") gemm = node.get();
  REQUIRE(gemm);
  CHECK(gemm->inputs[0]->name == "x");
  CHECK(gemm->attrs_as<ops::GemmAttrs>().trans_a == 1);
  CHECK(gemm->attrs_as<ops::GemmAttrs>().trans_b == 0);
  check_same_numbers(*before, *graph);
}

TEST_CASE("cancel_transposes removes pairs that undo each other, keeps the rest") {
  ModelBuilder m;
  m.input("x", {2, 3, 4});
  auto& t1 = m.node("Transpose", {"x"}, {"a"});
  ModelBuilder::attr_ints(t1, "perm", {1, 2, 0});
  auto& t2 = m.node("Transpose", {"a"}, {"b"});  // [2, 0, 1] undoes [1, 2, 0]
  ModelBuilder::attr_ints(t2, "perm", {2, 0, 1});
  m.node("Relu", {"b"}, {"r"});
  auto& t3 = m.node("Transpose", {"r"}, {"c"});
  ModelBuilder::attr_ints(t3, "perm", {0, 2, 1});
  auto& t4 = m.node("Transpose", {"c"}, {"y"});  // undoes t3, but y is a graph output: kept
  ModelBuilder::attr_ints(t4, "perm", {0, 2, 1});
  m.output("y", {2, 3, 4});
  auto graph = m.import();
  auto before = graph->clone();
  PassContext context;
  run_pass(*graph, "cancel_transposes", &context);
  CHECK(count_op(*graph, "Transpose") == 2);
  CHECK(graph->nodes()[0]->inputs[0]->name == "x");  // Relu reads x directly
  CHECK(graph->outputs[0]->name == "y");
  check_same_numbers(*before, *graph);
}

TEST_CASE("matmul_to_gemm lets fold_channel_affine fold a bias Add into the product") {
  ModelBuilder m;
  m.input("x", {2, 4});
  m.initializer("w", {4, 3}, test::random_floats(12, 9));
  m.initializer("bias", {3}, {0.5f, -1.0f, 2.0f});
  m.initializer("w2", {3, 2}, test::random_floats(6, 4));
  m.node("MatMul", {"x", "w"}, {"p"});
  m.node("Add", {"p", "bias"}, {"h"});
  m.node("MatMul", {"h", "w2"}, {"y"});  // no Add after it: stays a MatMul
  m.output("y", {2, 2});
  auto graph = m.import();
  auto before = graph->clone();
  run_pass(*graph, "matmul_to_gemm");
  CHECK(count_op(*graph, "Gemm") == 1);
  CHECK(count_op(*graph, "MatMul") == 1);
  check_same_numbers(*before, *graph);  // Gemm without C is the same product
  run_pass(*graph, "fold_channel_affine");
  CHECK(count_op(*graph, "Add") == 0);
  REQUIRE(graph->nodes().size() == 2);
  CHECK(graph->nodes()[0]->inputs[2]->constant->data<float>()[2] == 2.0f);
  check_close_numbers(*before, *graph);
}

TEST_CASE("fuse_log_softmax turns Log(Softmax) into LogSoftmax, and not when the Softmax is read elsewhere") {
  for (int opset : {11, 13}) {
    INFO("opset " << opset);
    ModelBuilder m(opset);
    m.input("x", {2, 3, 5});
    ModelBuilder::attr_int(m.node("Softmax", {"x"}, {"p"}), "axis", 1);
    m.node("Log", {"p"}, {"y"});
    m.node("Softmax", {"x"}, {"q"});  // also an output: must stay
    m.node("Log", {"q"}, {"z"});
    m.output("y", {2, 3, 5});
    m.output("z", {2, 3, 5});
    m.output("q", {2, 3, 5});
    auto graph = m.import();
    auto before = graph->clone();
    run_pass(*graph, "fuse_log_softmax");
    CHECK(count_op(*graph, "LogSoftmax") == 1);
    CHECK(count_op(*graph, "Softmax") == 1);
    CHECK(count_op(*graph, "Log") == 1);
    check_close_numbers(*before, *graph);
  }
}

namespace {

// x -> Conv(3 -> 4) -> [activation] -> consumer -> y, input channel 2 of the consumer's weights
// 100 times the others: the case equalization is for.
std::unique_ptr<Graph> equalization_model(const std::string& activation, const std::string& consumer) {
  ModelBuilder m;
  m.input("x", {1, 3, 5, 5});
  std::vector<float> w1 = test::random_floats(4 * 3 * 9, 1);
  for (size_t i = 2 * 27; i < 3 * 27; ++i) w1[i] *= 100.0f;  // output channel 2 is wide
  m.initializer("w1", {4, 3, 3, 3}, w1);
  m.initializer("b1", {4}, test::random_floats(4, 2));
  auto& conv = m.node("Conv", {"x", "w1", "b1"}, {"c1"});
  ModelBuilder::attr_ints(conv, "pads", {1, 1, 1, 1});
  std::string between = "c1";
  if (!activation.empty()) {
    auto& act = m.node(activation, {"c1"}, {"a1"});
    if (activation == "Clip") {
      m.initializer("lo", {}, {0.0f});
      m.initializer("hi", {}, {6.0f});
      act.add_input("lo");
      act.add_input("hi");
    }
    between = "a1";
  }
  if (consumer == "Conv") {
    m.initializer("w2", {5, 4, 1, 1}, test::random_floats(20, 3));
    m.node("Conv", {between, "w2"}, {"y"});
    m.output("y", {1, 5, 5, 5});
  } else if (consumer == "depthwise") {
    m.initializer("w2", {4, 1, 3, 3}, test::random_floats(36, 3));
    auto& dw = m.node("Conv", {between, "w2"}, {"y"});
    ModelBuilder::attr_int(dw, "group", 4);
    m.output("y", {1, 4, 3, 3});
  }
  return m.import();
}

std::vector<std::vector<Tensor>> calibration_inputs(const Graph& graph) {
  std::vector<std::vector<Tensor>> samples;
  for (uint32_t seed = 11; seed <= 14; ++seed) samples.push_back(random_inputs(graph, seed));
  return samples;
}

// Per channel of the tensor the second Conv reads: the largest |value| on `samples` over the
// largest |weight| the second Conv applies to it. Equalization makes these ratios equal.
std::vector<double> range_ratios(const Graph& g, const std::vector<std::vector<Tensor>>& samples) {
  const Node* consumer = g.nodes().back().get();
  const Value* between = consumer->inputs[0];
  const int64_t channels = between->shape[1], plane = between->shape.numel(2, 4);
  std::vector<double> activation(static_cast<size_t>(channels), 0.0), weight(static_cast<size_t>(channels), 0.0);
  for (const auto& sample : samples)
    evaluate_graph(g, sample, [&](const Value& v, const Tensor& t) {
      if (&v != between) return;
      for (int64_t i = 0; i < t.numel(); ++i)
        activation[static_cast<size_t>(i / plane % channels)] = std::max(activation[static_cast<size_t>(i / plane % channels)], std::fabs(t.as_double(i)));
    });
  const Tensor& w = *consumer->inputs[1]->constant;
  const int64_t per_group = w.shape()[1], taps = w.numel() / (w.shape()[0] * per_group), outputs_per_group = w.shape()[0] / (channels / per_group);
  for (int64_t i = 0; i < w.numel(); ++i) {
    const int64_t out = i / (per_group * taps), in = i / taps % per_group;
    double& r = weight[static_cast<size_t>(out / outputs_per_group * per_group + in)];
    r = std::max(r, std::fabs(w.as_double(i)));
  }
  std::vector<double> ratios;
  for (int64_t c = 0; c < channels; ++c) ratios.push_back(activation[static_cast<size_t>(c)] / weight[static_cast<size_t>(c)]);
  return ratios;
}

}  // namespace

TEST_CASE("equalize_channel_ranges balances activation and weight ranges across Conv -> Relu -> Conv and depthwise pairs, same numbers") {
  for (const char* consumer : {"Conv", "depthwise"})
    for (const char* activation : {"", "Relu", "LeakyRelu"}) {
      INFO(consumer << " after " << activation);
      auto before = equalization_model(activation, consumer);
      auto after = before->clone();
      const auto samples = calibration_inputs(*before);
      PassContext context;
      equalize_channel_ranges(*after, samples, context);
      const std::vector<double> was = range_ratios(*before, samples), now = range_ratios(*after, samples);
      CHECK(*std::max_element(was.begin(), was.end()) > 10 * *std::min_element(was.begin(), was.end()));  // channel 2 was far off
      for (double ratio : now) CHECK(ratio == Approx(now[0]).epsilon(0.03));
      for (uint32_t seed = 1; seed <= 3; ++seed) {
        const std::vector<Tensor> in = random_inputs(*before, seed);
        const Tensor a = evaluate_graph(*before, in)[0], b = evaluate_graph(*after, in)[0];
        for (int64_t k = 0; k < a.numel(); ++k) CHECK(b.as_double(k) == Approx(a.as_double(k)).epsilon(1e-4).margin(1e-4));
      }
    }
}

TEST_CASE("equalize_channel_ranges leaves a pair across Relu6 (Clip) alone: min(x / s, 6) is not min(x, 6) / s") {
  auto before = equalization_model("Clip", "Conv");
  auto after = before->clone();
  PassContext context;
  equalize_channel_ranges(*after, calibration_inputs(*before), context);
  CHECK(range_ratios(*after, calibration_inputs(*before)) == range_ratios(*before, calibration_inputs(*before)));
  check_same_numbers(*before, *after);
}

TEST_CASE("equalize_channel_ranges keeps what real models compute (MLPerf Tiny float models)") {
  for (const char* name : {"kws", "vww", "ic", "ad"}) {
    INFO(name);
    CompileOptions options;
    options.model = std::string(MOTE_SOURCE_DIR "/samples/mlperf-tiny/") + name + "_float/model.onnx";
    options.pipeline.stop_after = "fold_padding";
    auto before = compile_model(options).graph;
    auto after = before->clone();
    PassContext context;
    equalize_channel_ranges(*after, {random_inputs(*before, 21), random_inputs(*before, 22)}, context);
    INFO(context.notes.back());
    for (uint32_t seed = 1; seed <= 2; ++seed) {
      std::vector<Tensor> in = random_inputs(*before, seed);
      const Tensor a = evaluate_graph(*before, in)[0], b = evaluate_graph(*after, in)[0];
      double worst = 0, largest = 0;
      for (int64_t k = 0; k < a.numel(); ++k) {
        worst = std::max(worst, std::fabs(a.as_double(k) - b.as_double(k)));
        largest = std::max(largest, std::fabs(a.as_double(k)));
      }
      CHECK(worst <= 1e-4 * largest);
    }
  }
}
