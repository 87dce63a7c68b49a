#include "compiler/driver/compile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>

#include "compiler/driver/sample_data.h"
#include "compiler/ir/errors.h"
#include "frontend/onnx/model_loader.h"
#include "frontend/onnx/tensor_proto.h"
#include "passes/passes.h"

namespace mote {
namespace fs = std::filesystem;

namespace {

// The largest constants first, so the user sees what to shrink.
void check_flash_budget(const GeneratedCode& code, int64_t budget) {
  if (budget <= 0 || code.weights_bytes <= budget) return;
  std::vector<WeightSize> largest = code.weights;
  std::stable_sort(largest.begin(), largest.end(), [](const WeightSize& a, const WeightSize& b) { return a.bytes > b.bytes; });
  std::string table = fmt::format("  {:>10}  {}\n", "bytes", "weight");
  const size_t shown = std::min<size_t>(largest.size(), 12);
  for (size_t i = 0; i < shown; ++i) table += fmt::format("  {:>10}  {}\n", largest[i].bytes, largest[i].tensor);
  if (largest.size() > shown) table += fmt::format("  ({} smaller weights not shown)\n", largest.size() - shown);
  throw UserError(ErrorKind::Budget, fmt::format("the weights need {} bytes of flash, more than the budget of {} (--max-flash):\n{}",
                                                 code.weights_bytes, budget, table));
}

bool file_holds(const fs::path& path, const std::string& contents) {
  std::error_code ec;
  if (fs::file_size(path, ec) != contents.size() || ec) return false;
  std::ifstream in(path, std::ios::binary);
  std::string existing(contents.size(), '\0');
  in.read(existing.data(), static_cast<std::streamsize>(existing.size()));
  return in && existing == contents;
}

}  // namespace

CompileResult compile_model(const CompileOptions& options) { return compile_model(options, onnx_frontend::load_model(options.model)); }

CompileResult compile_model(const CompileOptions& options, const onnx_frontend::LoadedModel& model) {
  CompileResult result;
  result.warnings = model.warnings;
  result.graph = onnx_frontend::import_model(model, options.import);
  result.nodes_imported = static_cast<int>(result.graph->nodes().size());
  PassContext context;
  context.options = options.passes;
  int64_t max_flash = options.max_flash_bytes;
  if (options.target) {
    if (context.options.max_ram_bytes == 0) context.options.max_ram_bytes = options.target->ram_bytes;
    if (max_flash == 0) max_flash = options.target->flash_bytes;
  }
  if (options.post_training_quantization) {
    // Calibrate the float graph as it will run: after the float optimisations, before
    // activations are fused (their inputs need no quantization of their own).
    const std::vector<std::vector<Tensor>> samples = load_samples(options.calibration, *result.graph);
    PipelineOptions float_passes = options.pipeline;
    float_passes.stop_after = "fold_padding";
    float_passes.dump_after.clear();
    run_pipeline(*result.graph, context, float_passes);
    if (options.quantize.equalize_channels) equalize_channel_ranges(*result.graph, samples, context);
    result.quantization = quantize_post_training(*result.graph, samples, options.quantize);
  }
  try {
    run_pipeline(*result.graph, context, options.pipeline);
  } catch (const UserError& e) {
    if (e.kind() != ErrorKind::Budget || !options.target || options.passes.max_ram_bytes != 0) throw;
    throw UserError(ErrorKind::Budget, std::string(e.what()) + "(the budget is the RAM of --target " + options.target->name +
                                           "'s reference board, " + options.target->board + ")");
  }
  result.notes = context.notes;
  if (!options.pipeline.stop_after.empty()) return result;
  CodegenOptions codegen;
  codegen.name = options.name;
  codegen.model_file = options.model.filename().string();
  codegen.arena_extern = options.arena_extern;
  codegen.arena_alignment = options.passes.arena_alignment;
  codegen.io_in_arena = options.passes.io_in_arena;
  result.code = generate_code(*result.graph, codegen);
  try {
    check_flash_budget(result.code, max_flash);
  } catch (const UserError& e) {
    if (!options.target || options.max_flash_bytes != 0) throw;
    throw UserError(ErrorKind::Budget, std::string(e.what()) + "(the budget is the flash of --target " + options.target->name +
                                           "'s reference board, " + options.target->board + ")");
  }
  return result;
}

void write_generated(const GeneratedCode& code, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw UserError(ErrorKind::Usage, "cannot create output folder '" + dir.string() + "': " + ec.message());
  for (const GeneratedFile& f : code.files) {
    fs::path path = dir / f.path;
    fs::create_directories(path.parent_path(), ec);
    if (file_holds(path, f.contents)) continue;  // keeps its timestamp: builds do not redo it
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

int64_t parse_bytes(const std::string& text, const std::string& option) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::string unit = text.substr(digits);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int64_t scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "K" || unit == "KB" || unit == "KIB") scale = 1024;
  else if (unit == "M" || unit == "MB" || unit == "MIB") scale = 1024 * 1024;
  const int64_t limit = INT64_MAX / (1024 * 1024);
  if (digits == 0 || digits > 12 || scale == 0 || std::stoll(text.substr(0, digits)) > limit)
    throw UserError(ErrorKind::Usage, option + " expects a byte count such as 65536, 64K or 1M, not '" + text + "'");
  return std::stoll(text.substr(0, digits)) * scale;
}

DType quantize_mode_activations(const std::string& mode) {
  if (mode == "int8") return DType::Int8;
  if (mode == "int16x8") return DType::Int16;
  throw UserError(ErrorKind::Usage, "--quantize supports int8 and int16x8 (int16 activations, int8 weights), not '" + mode + "'");
}

void bind_input_options(onnx_frontend::ImportOptions& import, const std::vector<std::string>& input_shapes,
                        const std::vector<std::string>& const_inputs) {
  auto split = [](const std::string& text, const char* option) {
    size_t eq = text.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
      throw UserError(ErrorKind::Usage, std::string(option) + " expects NAME=VALUE, got '" + text + "'");
    return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
  };
  for (const auto& s : input_shapes) {
    auto [name, dims] = split(s, "--input-shape");
    import.input_shapes[name] = parse_dims(dims);
  }
  for (const auto& s : const_inputs) {
    auto [name, file] = split(s, "--const-input");
    import.const_inputs.emplace(name, onnx_frontend::read_tensor_file(file));
  }
}

}  // namespace mote
