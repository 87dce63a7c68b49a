// libFuzzer target: bytes -> ONNX loader (checker, shape inference) -> importer -> the whole
// pass pipeline -> codegen, all in memory. A UserError is the expected answer to a bad model;
// anything else (a crash, a sanitizer report, an InternalError, another exception) is a bug.
// Built by tools/fuzz.sh (clang, -fsanitize=fuzzer,address,undefined).
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "codegen/codegen.h"
#include "compiler/ir/errors.h"
#include "frontend/onnx/importer.h"
#include "frontend/onnx/model_loader.h"
#include "passes/pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mote;
  onnx_frontend::isolate_shape_inference(true);  // as the CLI: libonnx's own crashes are not ours
  try {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    // A base folder that does not exist: external data must fail cleanly, never be read.
    onnx_frontend::LoadedModel model = onnx_frontend::load_model_from_bytes(bytes, "/nonexistent/mote-fuzz", "fuzz.onnx");
    auto graph = onnx_frontend::import_model(model, {});
    PassContext context;
    context.options.planner_search_budget = 200;  // keep each input fast
    run_pipeline(*graph, context, {});
    CodegenOptions codegen;
    codegen.name = "fuzz";
    codegen.model_file = "fuzz.onnx";
    generate_code(*graph, codegen);
  } catch (const UserError&) {
    return 0;
  } catch (const InternalError& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    std::abort();
  } catch (const std::exception& e) {
    std::cerr << "unexpected exception: " << e.what() << "\n";
    std::abort();
  }
  return 0;
}
