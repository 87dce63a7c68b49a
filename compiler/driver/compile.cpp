#include "compiler/driver/compile.h"

#include <fstream>

#include "compiler/driver/sample_data.h"
#include "compiler/ir/errors.h"
#include "frontend/onnx/model_loader.h"

namespace mote {
namespace fs = std::filesystem;

CompileResult compile_model(const CompileOptions& options) {
  onnx_frontend::LoadedModel model = onnx_frontend::load_model(options.model);
  CompileResult result;
  result.warnings = model.warnings;
  result.graph = onnx_frontend::import_model(model, options.import);
  result.nodes_imported = static_cast<int>(result.graph->nodes().size());
  PassContext context;
  context.options = options.passes;
  if (options.quantize_int8) {
    // Calibrate the float graph as it will run: after the float optimisations, before
    // activations are fused (their inputs need no quantization of their own).
    const std::vector<std::vector<Tensor>> samples = load_samples(options.calibration, *result.graph);
    PipelineOptions float_passes = options.pipeline;
    float_passes.stop_after = "fold_padding";
    float_passes.dump_after.clear();
    run_pipeline(*result.graph, context, float_passes);
    result.quantization = quantize_int8(*result.graph, samples, options.quantize);
  }
  run_pipeline(*result.graph, context, options.pipeline);
  result.notes = context.notes;
  if (!options.pipeline.stop_after.empty()) return result;
  CodegenOptions codegen;
  codegen.name = options.name;
  codegen.model_file = options.model.filename().string();
  codegen.arena_extern = options.arena_extern;
  codegen.arena_alignment = options.passes.arena_alignment;
  codegen.io_in_arena = options.passes.io_in_arena;
  result.code = generate_code(*result.graph, codegen);
  return result;
}

void write_generated(const GeneratedCode& code, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw UserError(ErrorKind::Usage, "cannot create output folder '" + dir.string() + "': " + ec.message());
  for (const GeneratedFile& f : code.files) {
    fs::path path = dir / f.path;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary);
    out << f.contents;
    if (!out) throw UserError(ErrorKind::Usage, "cannot write '" + path.string() + "'");
  }
}

std::vector<int64_t> parse_dims(const std::string& text) {
  std::vector<int64_t> dims;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of("x,", start);
    std::string part = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    try {
      size_t used = 0;
      long long v = std::stoll(part, &used);
      if (used != part.size() || v < 0) throw std::invalid_argument(part);
      dims.push_back(v);
    } catch (const std::exception&) {
      throw UserError(ErrorKind::Usage, "bad shape '" + text + "': expected dimensions like 1x3x32x32");
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return dims;
}

}  // namespace mote
