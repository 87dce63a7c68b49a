// Memory planning on whole graphs: which values share bytes (views, concat inputs, in place),
// the order the scheduler picks, and the RAM budget. Numbers are hand-computed from the shapes.
#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"
#include "compiler/eval/evaluator.h"
#include "compiler/ir/errors.h"
#include "passes/pipeline.h"
#include "tests/unit/model_builder.h"

using namespace mote;
using mote::test::ModelBuilder;

namespace {

std::unique_ptr<Graph> planned(const ModelBuilder& m, PassContext& context, std::set<std::string> disabled = {}) {
  auto graph = m.import();
  PipelineOptions options;
  options.disabled = std::move(disabled);
  run_pipeline(*graph, context, options);
  return graph;
}

const Value& value(const Graph& g, const std::string& name) {
  const Value* v = g.find_value(name);
  REQUIRE(v);
  return *v;
}

bool elided(const Graph& g, const std::string& output) {
  const Value& v = value(g, output);
  REQUIRE(v.producer);
  for (const KernelCall& call : v.producer->kernels)
    if (!call.elided) return false;
  return true;
}

}  // namespace

TEST_CASE("a Reshape is a view and an elementwise op overwrites an input that dies there") {
  ModelBuilder m;
  m.input("x", {2, 8});
  m.initializer_i64("shape", {2}, {4, 4});
  m.node("Relu", {"x"}, {"r"});
  m.node("Reshape", {"r", "shape"}, {"s"});
  m.node("Sigmoid", {"s"}, {"t"});
  m.node("Exp", {"t"}, {"y"});
  m.output("y", {4, 4});
  PassContext context;
  auto g = planned(m, context);
  const Value &r = value(*g, "r"), &s = value(*g, "s"), &t = value(*g, "t");
  CHECK(r.storage.kind == Storage::Kind::Arena);
  CHECK(s.storage.offset == r.storage.offset);
  CHECK(t.storage.offset == r.storage.offset);
  CHECK(elided(*g, "s"));
  CHECK(g->arena_bytes == 64);  // 16 floats, once
  CHECK(g->memory.bound_schedule == 128);  // without aliasing r and s (or s and t) are live together
  CHECK(value(*g, "y").storage.kind == Storage::Kind::Output);

  PassContext no_alias;
  no_alias.options.alias_views = false;
  no_alias.options.in_place = false;
  auto plain = planned(m, no_alias);
  CHECK(plain->arena_bytes == 128);
  CHECK_FALSE(elided(*plain, "s"));
}

TEST_CASE("Concat inputs are produced straight into their slice of the output") {
  ModelBuilder m;
  m.input("x", {1, 2, 4});
  m.node("Relu", {"x"}, {"a"});
  m.node("Exp", {"x"}, {"b"});
  auto& concat = m.node("Concat", {"a", "b"}, {"c"});
  ModelBuilder::attr_int(concat, "axis", 1);
  m.node("Sigmoid", {"c"}, {"y"});
  m.output("y", {1, 4, 4});
  PassContext context;
  auto g = planned(m, context);
  const Value &a = value(*g, "a"), &b = value(*g, "b"), &c = value(*g, "c");
  CHECK(a.storage.offset == c.storage.offset);
  CHECK(b.storage.offset == c.storage.offset + 32);  // after a's 8 floats
  CHECK(elided(*g, "c"));
  CHECK(g->arena_bytes == 64);
  CHECK(g->memory.elided_copies == 2);
}

TEST_CASE("a slice along the outermost axis of a graph input is a view into the caller's buffer") {
  ModelBuilder m;
  m.input("x", {4, 3});
  m.initializer_i64("starts", {1}, {1});
  m.initializer_i64("ends", {1}, {3});
  m.initializer_i64("axes", {1}, {0});
  m.node("Slice", {"x", "starts", "ends", "axes"}, {"s"});
  m.node("Relu", {"s"}, {"y"});
  m.output("y", {2, 3});
  PassContext context;
  auto g = planned(m, context);
  const Value& s = value(*g, "s");
  CHECK(s.storage.kind == Storage::Kind::Input);
  CHECK(s.storage.index == 0);
  CHECK(s.storage.offset == 12);  // row 1 of 3 floats
  CHECK(g->arena_bytes == 0);
}

TEST_CASE("the scheduler finishes one branch before starting the next") {
  // File order: both 1 KiB branch heads first, then their reductions: peak 2 KiB + 4 bytes.
  ModelBuilder m;
  m.input("x", {256});
  m.node("Relu", {"x"}, {"a1"});
  m.node("Exp", {"x"}, {"b1"});
  m.node("ReduceSum", {"a1"}, {"a2"});
  m.node("ReduceSum", {"b1"}, {"b2"});
  m.node("Add", {"a2", "b2"}, {"y"});
  m.output("y", {1});
  PassContext context;
  auto g = planned(m, context);
  CHECK(g->memory.bound_file_order == 2048 + 4);
  // a1, a2, b1, b2: at most one 1 KiB head plus the two 4-byte sums.
  CHECK(g->memory.bound_schedule == 1024 + 4 + 4);
  std::vector<std::string> order;
  for (const auto& node : g->nodes()) order.push_back(node->outputs[0]->name);
  CHECK(order == std::vector<std::string>{"a1", "a2", "b1", "b2", "y"});

  PassContext file_order;
  auto kept = planned(m, file_order, {"schedule"});
  CHECK(kept->memory.bound_schedule == 2048 + 4);
  CHECK(kept->arena_bytes > g->arena_bytes);
}

TEST_CASE("a RAM budget that is too small fails with the tensor table") {
  ModelBuilder m;
  m.input("x", {64});
  m.node("Relu", {"x"}, {"hidden"});
  m.node("Exp", {"hidden"}, {"h2"});
  m.node("Add", {"hidden", "h2"}, {"y"});
  m.output("y", {64});
  PassContext context;
  context.options.max_ram_bytes = 600;  // input and output alone take 512 bytes
  try {
    planned(m, context);
    FAIL("expected a budget error");
  } catch (const UserError& e) {
    CHECK(e.exit_code() == 3);
    const std::string message = e.what();
    CHECK(message.find("hidden") != std::string::npos);
    CHECK(message.find("--max-ram 600") != std::string::npos);
  }
  context.options.max_ram_bytes = 512 + 512;
  CHECK_NOTHROW(planned(m, context));
}

namespace {

// QConvParams::block_pairs of every qconv_s8 call, in node order.
std::vector<std::string> conv_block_pairs(const Graph& g) {
  std::vector<std::string> pairs;
  for (const auto& node : g.nodes())
    for (const KernelCall& call : node->kernels)
      if (call.function.rfind("mote::qconv_s8<", 0) == 0)
        for (const ParamField& field : call.params)
          if (field.name == "block_pairs") pairs.push_back(field.values.at(0));
  return pairs;
}

}  // namespace

TEST_CASE("convolution scratch: without a RAM budget the smallest arena, blocks grown into its free room, with one the fastest blocks that fit") {
  CompileOptions options;
  options.model = std::string(MOTE_SOURCE_DIR) + "/samples/mlperf-tiny/kws_int8_qdq/model.onnx";
  const CompileResult small = compile_model(options);
  const MemorySummary& s = small.graph->memory;
  CHECK(s.smallest_arena_bytes == s.arena_bytes);
  // kws's five qconv_s8 layers: its 10x4 first layer (40 deep: 160 bytes of columns per pair)
  // and four 1x1 layers (64 deep: 256 bytes per pair). Smallest arena: the first layer is at
  // the peak; the 1x1 layers run in place and find room for two pairs (2 x (256 + 16) bytes of
  // columns and sums) beside their 8,000-byte tensor.
  const std::vector<std::string> grown = conv_block_pairs(*small.graph);
  CHECK(grown == std::vector<std::string>{"1", "2", "2", "2", "2"});
  // A budget with room: 2 KiB of columns, 12 and 8 pairs.
  options.passes.max_ram_bytes = 64 * 1024;
  const CompileResult fast = compile_model(options);
  const MemorySummary& f = fast.graph->memory;
  CHECK(f.arena_bytes > s.arena_bytes);
  CHECK(f.smallest_arena_bytes == s.arena_bytes);
  CHECK(conv_block_pairs(*fast.graph) == std::vector<std::string>{"12", "8", "8", "8", "8"});
  // --smallest-arena, or a budget between the two arenas: the smallest arena, not a budget error.
  options.passes.smallest_arena = true;
  CHECK(compile_model(options).graph->memory.arena_bytes == s.arena_bytes);
  options.passes.smallest_arena = false;
  options.passes.max_ram_bytes = s.arena_bytes + s.io_bytes;
  const CompileResult budget = compile_model(options);
  CHECK(budget.graph->memory.arena_bytes == s.arena_bytes);
  CHECK(conv_block_pairs(*budget.graph) == grown);
  // Block sizes change the order of the work, not the results.
  const Value* x = fast.graph->inputs[0];
  Tensor input(x->dtype, x->shape);
  for (int64_t i = 0; i < input.numel(); ++i) input.data<float>()[i] = static_cast<float>((i * 37) % 101) / 50.0f - 1.0f;
  const Tensor want = evaluate_graph(*fast.graph, {input})[0], got = evaluate_graph(*small.graph, {input})[0];
  for (int64_t i = 0; i < want.numel(); ++i) CHECK(want.data<float>()[i] == got.data<float>()[i]);
}
