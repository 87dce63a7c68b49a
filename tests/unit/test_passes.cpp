// Each pass: the rewritten structure, and the same numbers before and after on random inputs.
#include <catch2/catch.hpp>

#include "compiler/eval/evaluator.h"
#include "compiler/ops/op_def.h"
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
