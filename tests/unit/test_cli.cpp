// The mote command line: exit codes and messages as a user sees them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/model_builder.h"

using mote::test::ModelBuilder;

namespace {

struct Run {
  int code;
  std::string output;
};

Run run_cli(const std::string& args) {
  // CTest runs test cases in parallel: every call gets its own log file.
  static int calls = 0;
  const std::string log = "cli_output_" + std::to_string(getpid()) + "_" + std::to_string(calls++) + ".txt";
  int status = std::system((std::string(MOTE_CLI) + " " + args + " > " + log + " 2>&1").c_str());
  std::ifstream in(log);
  std::stringstream s;
  s << in.rdbuf();
  std::remove(log.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, s.str()};
}

}  // namespace

TEST_CASE("an unsupported model exits 2 and names every unsupported node") {
  ModelBuilder m;
  m.input("x", {1, 4});
  m.node("FancyOp", {"x"}, {"a"}, "fancy").set_domain("com.example");
  m.node("OtherOp", {"x"}, {"b"}, "other").set_domain("com.example");
  m.output("a", {1, 4});
  m.output("b", {1, 4});
  auto* o = m.proto().add_opset_import();
  o->set_domain("com.example");
  o->set_version(1);
  std::ofstream("cli_unsupported.onnx", std::ios::binary) << m.bytes();
  Run r = run_cli("compile cli_unsupported.onnx -o cli_unsupported_out");
  CHECK(r.code == 2);
  CHECK(r.output.find("2 problems") != std::string::npos);
  CHECK(r.output.find("node 'fancy' (com.example.FancyOp, opset 1): operator is not supported by Mote") != std::string::npos);
  CHECK(r.output.find("node 'other' (com.example.OtherOp, opset 1)") != std::string::npos);
}

TEST_CASE("usage errors exit 1") {
  CHECK(run_cli("compile no_such_model.onnx").code == 1);
  CHECK(run_cli("compile " + std::string(MOTE_SOURCE_DIR) + "/samples/digits_cnn/model.onnx --dump-ir-after nope").code == 1);
  CHECK(run_cli("compile " + std::string(MOTE_SOURCE_DIR) + "/samples/digits_cnn/model.onnx --input-shape image").code == 1);
  CHECK(run_cli("frobnicate").code == 1);
}

TEST_CASE("a file that is not a model exits 1") {
  std::ofstream("not_a_model.onnx") << "hello, this is not protobuf";
  Run r = run_cli("compile not_a_model.onnx");
  CHECK(r.code == 1);
  CHECK(r.output.find("not a valid ONNX model") != std::string::npos);
}

TEST_CASE("a good model compiles and reports its sizes") {
  Run r = run_cli("compile " + std::string(MOTE_SOURCE_DIR) + "/samples/digits_cnn/model.onnx -o cli_digits --name digits");
  CHECK(r.code == 0);
  CHECK(r.output.find("arena") != std::string::npos);
  CHECK(std::ifstream("cli_digits/digits.h").good());
  CHECK(std::ifstream("cli_digits/digits_weights.cpp").good());
  CHECK(std::ifstream("cli_digits/mote/conv.h").good());
}

TEST_CASE("mote inspect lists the model, its MACs and its RAM and flash without writing anything") {
  const std::string digits = std::string(MOTE_SOURCE_DIR) + "/samples/digits_cnn/model.onnx";
  Run r = run_cli("inspect " + digits);
  CHECK(r.code == 0);
  CHECK(r.output.find("operators: ") != std::string::npos);
  CHECK(r.output.find("Conv ") != std::string::npos);
  CHECK(r.output.find("compiles: yes") != std::string::npos);
  CHECK(r.output.find("MACs ") != std::string::npos);
  CHECK(r.output.find("RAM ") != std::string::npos);
}

TEST_CASE("mote inspect names every unsupported node and exits 2") {
  ModelBuilder m;
  m.input("x", {1, 4});
  m.node("FancyOp", {"x"}, {"a"}, "fancy").set_domain("com.example");
  m.node("Relu", {"x"}, {"b"}, "fine");
  m.output("a", {1, 4});
  m.output("b", {1, 4});
  auto* o = m.proto().add_opset_import();
  o->set_domain("com.example");
  o->set_version(1);
  std::ofstream("cli_inspect_unsupported.onnx", std::ios::binary) << m.bytes();
  Run r = run_cli("inspect cli_inspect_unsupported.onnx");
  std::remove("cli_inspect_unsupported.onnx");
  CHECK(r.code == 2);
  CHECK(r.output.find("com.example.FancyOp") != std::string::npos);  // in the histogram
  CHECK(r.output.find("compiles: no") != std::string::npos);
  CHECK(r.output.find("node 'fancy' (com.example.FancyOp, opset 1): operator is not supported") != std::string::npos);
}

TEST_CASE("budgets take K and M suffixes and a blown flash budget exits 3 with the largest weights") {
  const std::string digits = std::string(MOTE_SOURCE_DIR) + "/samples/digits_cnn/model.onnx";
  Run over = run_cli("compile " + digits + " -o cli_budget --max-flash 1K");
  CHECK(over.code == 3);
  CHECK(over.output.find("more than the budget of 1024 (--max-flash)") != std::string::npos);
  CHECK(over.output.find("features.7.weight") != std::string::npos);
  CHECK(run_cli("compile " + digits + " -o cli_budget --max-flash 1M --max-ram 64KiB -q").code == 0);
  CHECK(run_cli("compile " + digits + " -o cli_budget --max-ram 12Q").code == 1);
  std::filesystem::remove_all("cli_budget");
}
