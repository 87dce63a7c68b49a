// The ONNX frontend: attribute parsing, error collection, static shapes, functions.
#include <catch2/catch.hpp>

#include <fstream>

#include "compiler/ir/errors.h"
#include "compiler/ops/op_def.h"
#include "frontend/onnx/attribute_reader.h"
#include "frontend/onnx/tensor_proto.h"
#include "tests/unit/model_builder.h"

using namespace mote;
using mote::test::ModelBuilder;

namespace {

std::vector<Diagnostic> import_errors(const ModelBuilder& m, const onnx_frontend::ImportOptions& options = {}) {
  try {
    m.import(options);
  } catch (const UserError& e) {
    return e.diagnostics();
  }
  FAIL("import succeeded");
  return {};
}

}  // namespace

TEST_CASE("attributes parse into the op's struct, unknown and mistyped ones are errors") {
  onnx::NodeProto node;
  node.set_op_type("LeakyRelu");
  ModelBuilder::attr_float(node, "alpha", 0.25f);
  auto attrs = find_op("", "LeakyRelu")->make_attrs();
  CHECK(onnx_frontend::read_attributes(node, *attrs, ".").empty());
  CHECK(attrs_to_string(*attrs) == "alpha=0.25");

  ModelBuilder::attr_int(node, "beta", 1);
  auto problems = onnx_frontend::read_attributes(node, *find_op("", "LeakyRelu")->make_attrs(), ".");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "unknown attribute 'beta' (int)");

  onnx::NodeProto wrong;
  ModelBuilder::attr_int(wrong, "alpha", 2);
  problems = onnx_frontend::read_attributes(wrong, *find_op("", "LeakyRelu")->make_attrs(), ".");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "attribute 'alpha' should be of type float, found int");
}

TEST_CASE("enum attributes list the allowed spellings") {
  onnx::NodeProto node;
  ModelBuilder::attr_string(node, "auto_pad", "SAME");
  auto problems = onnx_frontend::read_attributes(node, *find_op("", "Conv")->make_attrs(), ".");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "attribute 'auto_pad' is 'SAME'; expected one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
}

TEST_CASE("every unsupported node is reported at once, with node, op and reason") {
  ModelBuilder m;
  m.input("x", {1, 4});
  m.node("Relu", {"x"}, {"a"}, "first");
  m.node("FancyOp", {"a"}, {"b"}, "fancy").set_domain("com.example");
  m.node("Relu", {"b"}, {"c"}, "after_fancy");  // depends on the unsupported node: not reported again
  m.node("OtherOp", {"a"}, {"d"}, "other").set_domain("com.example");
  m.node("Binarizer", {"a"}, {"e"}, "ml").set_domain("ai.onnx.ml");  // valid ONNX, not in Mote
  m.output("c", {1, 4});
  m.output("d", {1, 4});
  m.output("e", {1, 4});
  for (auto [domain, version] : {std::pair<const char*, int>{"com.example", 1}, {"ai.onnx.ml", 3}}) {
    auto* o = m.proto().add_opset_import();
    o->set_domain(domain);
    o->set_version(version);
  }
  std::vector<Diagnostic> errors = import_errors(m);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].to_string() == "node 'fancy' (com.example.FancyOp, opset 1): operator is not supported by Mote");
  CHECK(errors[1].node == "other");
  CHECK(errors[2].to_string() == "node 'ml' (ai.onnx.ml.Binarizer, opset 3): operator is not supported by Mote");
  for (const Diagnostic& d : errors) CHECK(d.kind == ErrorKind::Unsupported);
}

TEST_CASE("symbolic input dims are named and can be pinned") {
  ModelBuilder m;
  m.input("x", {-1, 3});
  m.node("Relu", {"x"}, {"y"});
  m.output("y", {-1, 3});
  std::vector<Diagnostic> errors = import_errors(m);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].kind == ErrorKind::NotStatic);
  CHECK(errors[0].message.find("dim 0 ('N')") != std::string::npos);
  CHECK(errors[0].message.find("--input-shape x=") != std::string::npos);

  onnx_frontend::ImportOptions pinned;
  pinned.input_shapes["x"] = {2, 3};
  auto graph = m.import(pinned);
  CHECK(graph->outputs[0]->shape == Shape{2, 3});

  pinned.input_shapes["x"] = {2, 4};  // contradicts the static dim
  CHECK(import_errors(m, pinned)[0].kind == ErrorKind::Usage);
}

TEST_CASE("shape-deciding graph inputs must be bound, and can be") {
  ModelBuilder m;
  m.input("x", {2, 6});
  m.input("shape", {2}, onnx::TensorProto::INT64);
  m.node("Reshape", {"x", "shape"}, {"y"}, "reshape");
  m.output("y", {-1, -1});
  std::vector<Diagnostic> errors = import_errors(m);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].kind == ErrorKind::NotStatic);
  CHECK(errors[0].message.find("--const-input shape=FILE.pb") != std::string::npos);

  onnx_frontend::ImportOptions bound;
  bound.const_inputs.emplace("shape", Tensor::from_values<int64_t>(Shape{2}, {3, 4}));
  auto graph = m.import(bound);
  CHECK(graph->inputs.size() == 1);
  CHECK(graph->outputs[0]->shape == Shape{3, 4});
}

TEST_CASE("shape arithmetic folds during import") {
  ModelBuilder m;
  m.input("x", {2, 3, 4});
  m.node("Shape", {"x"}, {"s"});
  m.initializer_i64("idx", {1}, {2});
  m.node("Gather", {"s", "idx"}, {"last"});
  m.initializer_i64("minus1", {1}, {-1});
  ModelBuilder::attr_int(m.node("Concat", {"minus1", "last"}, {"target"}), "axis", 0);
  m.node("Reshape", {"x", "target"}, {"y"});
  m.output("y", {6, 4});
  auto graph = m.import();
  REQUIRE(graph->nodes().size() == 1);  // only the Reshape is left
  CHECK(graph->outputs[0]->shape == Shape{6, 4});
}

TEST_CASE("model-local functions are inlined") {
  ModelBuilder m;
  auto* f = m.proto().add_functions();
  f->set_name("DoubleRelu");
  f->set_domain("local");
  f->add_input("a");
  f->add_output("b");
  auto* n1 = f->add_node();
  n1->set_op_type("Relu");
  n1->add_input("a");
  n1->add_output("t");
  auto* n2 = f->add_node();
  n2->set_op_type("Add");
  n2->add_input("t");
  n2->add_input("t");
  n2->add_output("b");
  auto* fo = f->add_opset_import();
  fo->set_domain("");
  fo->set_version(13);
  auto* o = m.proto().add_opset_import();
  o->set_domain("local");
  o->set_version(1);
  m.input("x", {4});
  m.node("DoubleRelu", {"x"}, {"y"}, "call").set_domain("local");
  m.output("y", {4});
  auto graph = m.import();
  REQUIRE(graph->nodes().size() == 2);
  CHECK(std::string(graph->nodes()[0]->op->name) == "Relu");
  CHECK(std::string(graph->nodes()[1]->op->name) == "Add");
  CHECK(graph->outputs[0]->name == "y");
}

TEST_CASE("external data may not leave the model folder") {
  onnx::TensorProto t;
  t.set_name("w");
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(2);
  t.set_data_location(onnx::TensorProto::EXTERNAL);
  auto* loc = t.add_external_data();
  loc->set_key("location");
  loc->set_value("../../etc/passwd");
  try {
    onnx_frontend::tensor_from_proto(t, "/tmp");
    FAIL("accepted a path outside the model folder");
  } catch (const UserError& e) {
    CHECK(std::string(e.what()).find("leaves the model's folder") != std::string::npos);
  }
}

TEST_CASE("external data is read next to the model") {
  const std::string dir = "external_data_test";
  std::filesystem::create_directories(dir);
  const float values[3] = {1.5f, -2.0f, 3.25f};
  std::ofstream(dir + "/weights.bin", std::ios::binary).write(reinterpret_cast<const char*>(values), sizeof values);
  onnx::TensorProto t;
  t.set_name("w");
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(3);
  t.set_data_location(onnx::TensorProto::EXTERNAL);
  auto* loc = t.add_external_data();
  loc->set_key("location");
  loc->set_value("weights.bin");
  Tensor read = onnx_frontend::tensor_from_proto(t, dir);
  CHECK(read.to_double_vector() == std::vector<double>{1.5, -2.0, 3.25});
  std::filesystem::remove_all(dir);
}
