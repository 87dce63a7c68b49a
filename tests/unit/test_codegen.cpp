// Generated code: the C API, determinism, the caller-provided arena.
#include <catch2/catch.hpp>

#include <set>

#include "codegen/runtime_headers.h"
#include "compiler/driver/compile.h"

using namespace mote;

namespace {

CompileResult compile_sample(bool arena_extern = false) {
  CompileOptions options;
  options.model = std::string(MOTE_SOURCE_DIR) + "/samples/digits_cnn/model.onnx";
  options.name = "digits";
  options.arena_extern = arena_extern;
  return compile_model(options);
}

const std::string& file(const CompileResult& r, const std::string& path) {
  for (const GeneratedFile& f : r.code.files)
    if (f.path == path) return f.contents;
  FAIL("no generated file " << path);
  static std::string none;
  return none;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the header is a C API with shapes, counts and the arena size") {
  CompileResult r = compile_sample();
  const std::string& h = file(r, "digits.h");
  CHECK(contains(h, "extern \"C\" {"));
  CHECK(contains(h, "int digits_run(const float* image, float* logits);"));
  CHECK(contains(h, "#define DIGITS_IMAGE_SHAPE {1, 1, 8, 8}"));
  CHECK(contains(h, "#define DIGITS_IMAGE_ELEMENTS 64"));
  CHECK(contains(h, "#define DIGITS_LOGITS_ELEMENTS 10"));
  CHECK(contains(h, "#define DIGITS_ARENA_BYTES " + std::to_string(r.code.arena_bytes)));
  CHECK(r.code.arena_bytes > 0);
  // Only freestanding C headers: no heap, no stdio, no STL.
  const std::set<std::string> allowed = {"<stdint.h>", "<stddef.h>", "<math.h>", "<stdbool.h>"};
  for (const GeneratedFile& f : r.code.files) {
    CHECK_FALSE(contains(f.contents, "malloc"));
    CHECK_FALSE(contains(f.contents, "printf"));
    CHECK_FALSE(contains(f.contents, " new "));
    for (size_t at = f.contents.find("#include <"); at != std::string::npos; at = f.contents.find("#include <", at + 1)) {
      std::string header = f.contents.substr(at + 9, f.contents.find('>', at) - at - 8);
      INFO(f.path << " includes " << header);
      CHECK(allowed.count(header));
    }
  }
  CHECK(contains(file(r, "digits_weights.cpp"), "alignas(16) extern const float"));
}

TEST_CASE("the same model and options give byte-identical files") {
  CompileResult a = compile_sample(), b = compile_sample();
  REQUIRE(a.code.files.size() == b.code.files.size());
  for (size_t i = 0; i < a.code.files.size(); ++i) {
    CHECK(a.code.files[i].path == b.code.files[i].path);
    CHECK(a.code.files[i].contents == b.code.files[i].contents);
  }
}

TEST_CASE("with an extern arena the caller passes it") {
  CompileResult r = compile_sample(true);
  CHECK(contains(file(r, "digits.h"), "int digits_run(const float* image, float* logits, void* arena);"));
  CHECK_FALSE(contains(file(r, "digits.cpp"), "g_arena"));
  CHECK(contains(file(r, "digits.cpp"), "% DIGITS_ARENA_ALIGN != 0) return -2;"));
}

TEST_CASE("a bad --name is a usage error") {
  CompileOptions options;
  options.model = std::string(MOTE_SOURCE_DIR) + "/samples/digits_cnn/model.onnx";
  options.name = "2bad-name";
  try {
    compile_model(options);
    FAIL("accepted the name");
  } catch (const UserError& e) {
    CHECK(e.exit_code() == mote::kExitUserError);
  }
}

TEST_CASE("runtime-min is freestanding: no heap, no stdio, no STL, no exceptions") {
  // arm_acle.h: the compiler's DSP intrinsics, used only where __ARM_FEATURE_DSP is defined.
  const std::set<std::string> allowed = {"<stdint.h>", "<stddef.h>", "<math.h>", "<arm_acle.h>"};
  for (const std::string& name : embedded_runtime_header_names()) {
    const std::string& text = *embedded_runtime_header(name);
    INFO(name);
    for (const char* banned : {"malloc", "calloc", "realloc", "free(", "new ", "delete ", "printf", "std::", "throw", "try {",
                               "typeid", "dynamic_cast"})
      CHECK_FALSE(contains(text, banned));
    for (size_t at = text.find("#include <"); at != std::string::npos; at = text.find("#include <", at + 1))
      CHECK(allowed.count(text.substr(at + 9, text.find('>', at) - at - 8)));
  }
}

TEST_CASE("with --io-in-arena the run function takes no tensors and accessors give their places") {
  CompileOptions options;
  options.model = std::string(MOTE_SOURCE_DIR) + "/samples/digits_cnn/model.onnx";
  options.name = "digits";
  options.passes.io_in_arena = true;
  CompileResult result = compile_model(options);
  const std::string& header = file(result, "digits.h");
  CHECK(header.find("int digits_run(void);") != std::string::npos);
  CHECK(header.find("void* digits_input(int index);") != std::string::npos);
  CHECK(header.find("#define DIGITS_IMAGE_OFFSET ") != std::string::npos);
  CHECK(result.graph->memory.io_bytes == 0);
  // The 256-byte image can share bytes with intermediates, so the arena grows by less than
  // the input and output sizes.
  CompileOptions apart = options;
  apart.passes.io_in_arena = false;
  CompileResult separate = compile_model(apart);
  CHECK(result.code.arena_bytes <= separate.code.arena_bytes + separate.graph->memory.io_bytes);
  CHECK(result.code.arena_bytes >= result.graph->inputs[0]->byte_size());
}
