// The error catalogue: one hostile or broken input per row, each expecting a documented exit
// code (1 user error: bad options, files or model; 2 a valid model Mote cannot compile as is;
// 3 budget) and a message naming what is wrong, never a crash (a signal) or an internal error (4).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/model_builder.h"

using mote::test::ModelBuilder;

namespace {

struct Outcome {
  int code;  // -1: killed by a signal
  std::string output;
};

Outcome compile_bytes(const std::string& bytes, const std::string& extra_args) {
  static int calls = 0;
  const std::string stem = "catalogue_" + std::to_string(getpid()) + "_" + std::to_string(calls++);
  std::ofstream(stem + ".onnx", std::ios::binary) << bytes;
  const std::string output = extra_args.find("-o ") == std::string::npos ? " -o " + stem + "_out " : " ";
  const std::string command =
      std::string(MOTE_CLI) + " compile " + stem + ".onnx" + output + extra_args + " > " + stem + ".log 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(stem + ".log");
  std::stringstream s;
  s << in.rdbuf();
  std::filesystem::remove(stem + ".log");
  std::filesystem::remove(stem + ".onnx");
  std::filesystem::remove_all(stem + "_out");
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, s.str()};
}

std::string digits_bytes() {
  std::ifstream in(std::string(MOTE_SOURCE_DIR) + "/samples/digits_cnn/model.onnx", std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// x[1,4] -> Relu -> y, for cases that break one thing of a valid model.
ModelBuilder relu_model() {
  ModelBuilder m;
  m.input("x", {1, 4});
  m.node("Relu", {"x"}, {"y"}, "relu");
  m.output("y", {1, 4});
  return m;
}

struct Case {
  const char* name;
  std::function<std::string()> model;
  std::string args;
  int code;
  std::vector<std::string> says;  // substrings the message must contain
};

std::vector<Case> catalogue() {
  return {
      {"not a protobuf", [] { return std::string("hello, this is not protobuf"); }, "", 1, {"not a valid ONNX model"}},
      {"empty file", [] { return std::string(); }, "", 1, {"no graph"}},
      {"truncated model", [] { std::string b = digits_bytes(); return b.substr(0, b.size() / 2); }, "", 1, {"ONNX"}},
      {"empty graph", [] { ModelBuilder m; return m.bytes(); }, "", 1, {"no outputs"}},
      {"graph cycle",
       [] {
         ModelBuilder m;
         m.input("x", {1, 4});
         m.node("Add", {"x", "b"}, {"a"}, "first");
         m.node("Relu", {"a"}, {"b"}, "second");
         m.output("b", {1, 4});
         return m.bytes();
       },
       "", 1, {"b"}},
      {"dangling input",
       [] {
         ModelBuilder m = relu_model();
         m.node("Add", {"y", "nowhere"}, {"z"}, "add");
         m.output("z", {1, 4});
         return m.bytes();
       },
       "", 1, {"nowhere"}},
      {"duplicate tensor names",
       [] {
         ModelBuilder m = relu_model();
         m.node("Sigmoid", {"x"}, {"y"}, "again");
         return m.bytes();
       },
       "", 1, {"y"}},
      {"missing initializer data (input without a type)",
       [] {
         ModelBuilder m;
         m.input("x", {1, 4});
         auto* w = m.proto().mutable_graph()->add_input();
         w->set_name("w");
         m.node("Add", {"x", "w"}, {"y"});
         m.output("y", {1, 4});
         return m.bytes();
       },
       "", 1, {"graph input 'w' has no tensor type"}},
      {"negative dimension",
       [] {
         ModelBuilder m = relu_model();
         m.proto().mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(1)->set_dim_value(-3);
         return m.bytes();
       },
       "", 2, {"x"}},
      {"element count that overflows",
       [] {
         ModelBuilder m;
         m.input("x", {1000000000, 1000000000, 1000000000});
         m.node("Relu", {"x"}, {"y"});
         m.output("y", {1000000000, 1000000000, 1000000000});
         return m.bytes();
       },
       "", 1, {"x"}},
      {"initializer with fewer values than its dims",
       [] {
         ModelBuilder m;
         m.input("x", {3});
         m.initializer("k", {3}, {1.0f, 2.0f});
         m.node("Add", {"x", "k"}, {"y"});
         m.output("y", {3});
         return m.bytes();
       },
       "", 1, {"k"}},
      {"attribute of the wrong type",
       [] {
         ModelBuilder m;
         m.input("x", {1, 1, 4, 4});
         m.initializer("w", {1, 1, 1, 1}, {1.0f});
         auto& conv = m.node("Conv", {"x", "w"}, {"y"}, "conv");
         ModelBuilder::attr_float(conv, "group", 1.0f);
         m.output("y", {1, 1, 4, 4});
         return m.bytes();
       },
       "", 1, {"group"}},
      {"unknown attribute",
       [] {
         ModelBuilder m = relu_model();
         ModelBuilder::attr_int(*m.proto().mutable_graph()->mutable_node(0), "frobnicate", 1);
         return m.bytes();
       },
       "", 1, {"frobnicate"}},
      {"unknown op",
       [] {
         ModelBuilder m;
         m.input("x", {1, 4});
         m.node("NoSuchOp", {"x"}, {"y"}, "mystery");
         m.output("y", {1, 4});
         return m.bytes();
       },
       "", 1, {"NoSuchOp"}},
      {"unknown domain",
       [] {
         ModelBuilder m;
         m.input("x", {1, 4});
         m.node("Relu", {"x"}, {"y"}, "foreign").set_domain("org.example.nowhere");
         m.output("y", {1, 4});
         return m.bytes();
       },
       "", 1, {"org.example.nowhere"}},
      {"opset newer than supported", [] { ModelBuilder m(99); m.input("x", {1, 4}); m.node("Relu", {"x"}, {"y"}); m.output("y", {1, 4}); return m.bytes(); }, "", 2, {"opset"}},
      {"external data outside the model's folder",
       [] {
         ModelBuilder m;
         m.input("x", {2});
         auto* t = m.proto().mutable_graph()->add_initializer();
         t->set_name("k");
         t->set_data_type(onnx::TensorProto::FLOAT);
         t->add_dims(2);
         t->set_data_location(onnx::TensorProto::EXTERNAL);
         auto* e = t->add_external_data();
         e->set_key("location");
         e->set_value("../../../../etc/passwd");
         m.node("Add", {"x", "k"}, {"y"});
         m.output("y", {2});
         return m.bytes();
       },
       "", 1, {"k"}},
      {"missing external data file",
       [] {
         ModelBuilder m;
         m.input("x", {2});
         auto* t = m.proto().mutable_graph()->add_initializer();
         t->set_name("k");
         t->set_data_type(onnx::TensorProto::FLOAT);
         t->add_dims(2);
         t->set_data_location(onnx::TensorProto::EXTERNAL);
         auto* e = t->add_external_data();
         e->set_key("location");
         e->set_value("no_such_weights.bin");
         m.node("Add", {"x", "k"}, {"y"});
         m.output("y", {2});
         return m.bytes();
       },
       "", 1, {"no_such_weights.bin"}},
      {"symbolic dimension without --input-shape", [] { ModelBuilder m; m.input("x", {-1, 4}); m.node("Relu", {"x"}, {"y"}); m.output("y", {-1, 4}); return m.bytes(); }, "", 2, {"--input-shape"}},
      {"--input-shape for an input that does not exist", [] { return relu_model().bytes(); }, "--input-shape nope=1x4", 1, {"nope"}},
      {"shape-deciding input known only at run time",
       [] {
         ModelBuilder m;
         m.input("x", {2, 3});
         m.input("shape", {2}, onnx::TensorProto::INT64);
         m.node("Reshape", {"x", "shape"}, {"y"}, "reshape");
         m.output("y", {3, 2});
         return m.bytes();
       },
       "", 2, {"--const-input"}},
      {"wrong number of inputs", [] { ModelBuilder m; m.input("x", {4}); m.node("Add", {"x"}, {"y"}, "lonely"); m.output("y", {4}); return m.bytes(); }, "", 1, {"Add"}},
      {"mismatched dtypes",
       [] {
         ModelBuilder m;
         m.input("x", {4});
         m.input("i", {4}, onnx::TensorProto::INT64);
         m.node("Add", {"x", "i"}, {"y"}, "mixed");
         m.output("y", {4});
         return m.bytes();
       },
       "", 1, {"Add"}},
      {"convolution weights for the wrong channel count",
       [] {
         ModelBuilder m;
         m.input("x", {1, 3, 4, 4});
         m.initializer("w", {2, 2, 1, 1}, {1, 2, 3, 4});
         m.node("Conv", {"x", "w"}, {"y"}, "conv");
         m.output("y", {1, 2, 4, 4});
         return m.bytes();
       },
       "", 1, {"conv"}},
      {"Concat axis out of range",
       [] {
         ModelBuilder m;
         m.input("x", {2, 2});
         auto& c = m.node("Concat", {"x", "x"}, {"y"}, "cat");
         ModelBuilder::attr_int(c, "axis", 5);
         m.output("y", {4, 2});
         return m.bytes();
       },
       "", 1, {"axis"}},
      {"a declared output shape the op does not compute",
       [] {
         ModelBuilder m;
         m.input("x", {3, 3});
         m.node("Relu", {"x"}, {"y"}, "relu");
         m.output("y", {3, 67});
         return m.bytes();
       },
       "", 1, {"declares 'y' as 3x67", "relu"}},
      {"a RAM budget too small", [] { return digits_bytes(); }, "--max-ram 1000", 3, {"--max-ram 1000"}},
      {"an output folder that cannot be created", [] { return relu_model().bytes(); }, "-o /proc/mote_cannot_write_here", 1, {"/proc/mote_cannot_write_here"}},
      {"an arena alignment that is not a power of two", [] { return relu_model().bytes(); }, "--arena-align 24", 1, {"--arena-align"}},
      {"a model too large for the target's RAM", [] { return digits_bytes(); }, "--target cortex-m0plus", 3,
       {"the RAM of --target cortex-m0plus's reference board", "8192"}},
      {"a model too large for the target's flash", [] { return digits_bytes(); }, "--target cortex-m0plus --max-ram 1M", 3,
       {"the flash of --target cortex-m0plus's reference board", "32768"}},
      {"an unknown target", [] { return relu_model().bytes(); }, "--target cortex-z9", 1, {"unknown target 'cortex-z9'", "cortex-m4"}},
  };
}

}  // namespace

TEST_CASE("error catalogue: every broken or hostile input gets a clear message and its exit code") {
  const std::vector<Case> cases = catalogue();
  CHECK(cases.size() >= 25);
  for (const Case& c : cases) {
    SECTION(c.name) {
      Outcome outcome = compile_bytes(c.model(), c.args);
      INFO(c.name << "\n" << outcome.output);
      CHECK(outcome.code == c.code);
      CHECK(outcome.output.find("error") != std::string::npos);
      for (const std::string& part : c.says) CHECK(outcome.output.find(part) != std::string::npos);
    }
  }
}
