// The whole compilation, as the CLI, the golden-test runner and the tests use it:
// load -> import -> pass pipeline -> codegen.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codegen/codegen.h"
#include "compiler/driver/targets.h"
#include "frontend/onnx/importer.h"
#include "passes/pipeline.h"
#include "passes/quantize.h"

namespace mote {

struct CompileOptions {
  std::filesystem::path model;
  std::string name = "model";
  onnx_frontend::ImportOptions import;
  PassOptions passes;
  PipelineOptions pipeline;
  bool arena_extern = false;
  // Flash budget for the weights (--max-flash); 0: none. Code size is the target compiler's.
  int64_t max_flash_bytes = 0;
  // --target: its reference board's RAM and flash become the budgets not given explicitly.
  std::optional<TargetDescription> target;
  // Post-training quantization (--quantize int8 / int16x8): calibration inputs, the
  // activation type and how to observe.
  bool post_training_quantization = false;
  std::filesystem::path calibration;
  QuantizeOptions quantize;
};

struct CompileResult {
  std::unique_ptr<Graph> graph;  // after the pipeline
  GeneratedCode code;
  std::vector<std::string> notes;     // from the passes
  std::vector<std::string> warnings;  // from loading
  int nodes_imported = 0;
  std::optional<QuantizeReport> quantization;  // with --quantize
};

// Loads, imports, optimises, plans and generates code; writes nothing. Throws UserError for
// problems with the model or options, InternalError for Mote bugs.
CompileResult compile_model(const CompileOptions& options);
// The same for a model already loaded from options.model (mote inspect lists it first).
CompileResult compile_model(const CompileOptions& options, const onnx_frontend::LoadedModel& model);

// Writes the generated files under `dir` (created if missing).
void write_generated(const GeneratedCode& code, const std::filesystem::path& dir);

// Parses "1x3x32x32" (or "1,3,32,32"); throws UserError(Usage).
std::vector<int64_t> parse_dims(const std::string& text);

// Applies the --input-shape NAME=DIMS and --const-input NAME=FILE.pb options; throws
// UserError(Usage) for malformed ones.
void bind_input_options(onnx_frontend::ImportOptions& import, const std::vector<std::string>& input_shapes,
                        const std::vector<std::string>& const_inputs);

// The activation type of a --quantize MODE: int8 -> Int8, int16x8 -> Int16 (weights are int8
// in both); throws UserError(Usage) for other modes.
DType quantize_mode_activations(const std::string& mode);

// Parses a byte count: "4096", "64K" / "64KB" / "64KiB" (x1024), "1M" / "1MB" / "1MiB"
// (x1048576); throws UserError(Usage) naming `option`.
int64_t parse_bytes(const std::string& text, const std::string& option);

}  // namespace mote
