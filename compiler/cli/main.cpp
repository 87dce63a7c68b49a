// The mote command line. Exit codes: 0 success, 1 the model is invalid or unsupported,
// 2 bad usage (options, files), 3 a RAM/flash budget is exceeded, 70 internal error (a bug).
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>

#include "compiler/driver/compile.h"
#include "compiler/driver/report.h"
#include "compiler/ir/errors.h"
#include "compiler/ops/op_def.h"
#include "frontend/onnx/tensor_proto.h"
#include "passes/memory_table.h"

namespace {

using namespace mote;

std::pair<std::string, std::string> split_assignment(const std::string& text, const char* option) {
  size_t eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw UserError(ErrorKind::Usage, std::string(option) + " expects NAME=VALUE, got '" + text + "'");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

struct CompileArgs {
  std::string model;
  std::string output = ".";
  std::string name = "model";
  std::vector<std::string> input_shapes, const_inputs, dump_after, disabled;
  std::string report;
  bool arena_extern = false;
  bool verbose = false;
  bool memory_table = false;
  bool no_alias = false;
  bool no_in_place = false;
  bool io_in_arena = false;
  int64_t max_ram = 0;
  int64_t arena_align = 16;
  std::string quantize;
  std::string calibration;
  std::string observer = "minmax";
  double percentile = 99.99;
  std::vector<std::string> keep_float;
};

void print_quantization(const QuantizeReport& q, bool verbose) {
  std::cout << "  int8    " << q.quantized_tensors << " activations and " << q.quantized_weights << " weight tensors quantized, calibrated on "
            << q.samples << " samples\n";
  for (const TensorError& e : q.outputs) std::cout << "  SQNR    output '" << e.name << "': " << fmt::format("{:.1f}", e.sqnr_db) << " dB\n";
  const size_t shown = verbose ? q.tensors.size() : std::min<size_t>(q.tensors.size(), 3);
  for (size_t i = 0; i < shown; ++i)
    std::cout << "  SQNR    " << (i < 3 ? "worst " : "      ") << "'" << q.tensors[i].name << "': " << fmt::format("{:.1f}", q.tensors[i].sqnr_db)
              << " dB\n";
}

int run_compile(const CompileArgs& args) {
  auto start = std::chrono::steady_clock::now();
  CompileOptions options;
  options.model = args.model;
  options.name = args.name;
  options.arena_extern = args.arena_extern;
  if (args.arena_align < 8 || (args.arena_align & (args.arena_align - 1)) != 0)
    throw UserError(ErrorKind::Usage, "--arena-align must be a power of two of at least 8 (the largest element), not " +
                                          std::to_string(args.arena_align));
  options.passes.arena_alignment = args.arena_align;
  options.passes.max_ram_bytes = args.max_ram;
  options.passes.alias_views = !args.no_alias;
  options.passes.in_place = !args.no_in_place;
  options.passes.io_in_arena = args.io_in_arena;
  for (const auto& s : args.input_shapes) {
    auto [name, dims] = split_assignment(s, "--input-shape");
    options.import.input_shapes[name] = parse_dims(dims);
  }
  for (const auto& s : args.const_inputs) {
    auto [name, file] = split_assignment(s, "--const-input");
    options.import.const_inputs.emplace(name, onnx_frontend::read_tensor_file(file));
  }
  if (!args.quantize.empty()) {
    if (args.quantize != "int8") throw UserError(ErrorKind::Usage, "--quantize supports int8, not '" + args.quantize + "'");
    if (args.calibration.empty()) throw UserError(ErrorKind::Usage, "--quantize int8 needs --calibration DATA (.npy, .npz or a folder of .pb sets)");
    options.quantize_int8 = true;
    options.calibration = args.calibration;
    options.quantize.observer = args.observer == "percentile" ? QuantizeOptions::Observer::Percentile : QuantizeOptions::Observer::MinMax;
    options.quantize.percentile = args.percentile;
    options.quantize.keep_float.insert(args.keep_float.begin(), args.keep_float.end());
  } else if (!args.calibration.empty()) {
    throw UserError(ErrorKind::Usage, "--calibration is only used with --quantize int8");
  }
  options.pipeline.dump_after.insert(args.dump_after.begin(), args.dump_after.end());
  options.pipeline.disabled.insert(args.disabled.begin(), args.disabled.end());
  options.pipeline.dump = &std::cerr;
  CompileResult result = compile_model(options);
  write_generated(result.code, args.output);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  for (const auto& w : result.warnings) std::cerr << "warning: " << w << "\n";
  if (args.verbose)
    for (const auto& n : result.notes) std::cerr << "note: " << n << "\n";
  size_t kernels = 0;
  for (const auto& node : result.graph->nodes()) kernels += node->kernels.size();
  const MemorySummary& m = result.graph->memory;
  auto ratio = [](int64_t a, int64_t b) { return b > 0 ? std::to_string(static_cast<double>(a) / static_cast<double>(b)).substr(0, 4) : std::string("-"); };
  std::cout << args.name << ": " << result.nodes_imported << " nodes imported, " << result.graph->nodes().size()
            << " after optimisation, " << kernels << " kernel calls (" << m.elided_copies << " copies elided)\n"
            << "  arena   " << result.code.arena_bytes << " bytes (" << m.planner << "; " << m.aliased_values
            << " tensors share memory)\n"
            << "  bound   " << m.bound_schedule << " bytes live at the peak of the schedule, " << m.bound_file_order
            << " in file order, without sharing; arena/bound " << ratio(result.code.arena_bytes, m.bound_schedule) << "\n"
            << "  I/O     " << (options.passes.io_in_arena ? std::string("in the arena") : std::to_string(m.io_bytes) + " bytes of input and output buffers (the caller's)")
            << "; RAM in all " << result.code.arena_bytes + m.io_bytes << " bytes\n"
            << "  weights " << result.code.weights_bytes << " bytes\n";
  if (result.quantization) print_quantization(*result.quantization, args.verbose);
  std::cout << "  wrote " << result.code.files.size() << " files to " << args.output << " in " << seconds << " s\n";
  if (args.memory_table) std::cout << format_tensor_table(arena_tensors(*result.graph));
  if (!args.report.empty()) {
    std::ofstream report(args.report, std::ios::binary);
    report << compile_report_json(options, result);
    if (!report) throw UserError(ErrorKind::Usage, "cannot write the report '" + args.report + "'");
  }
  return 0;
}

int run_ops() {
  for (const OpDef* op : all_ops())
    std::cout << (op->domain[0] ? std::string(op->domain) + "." : std::string()) << op->name << "\n";
  return 0;
}

int run_passes() {
  for (const Pass& p : default_pipeline())
    std::cout << p.name << (p.optional ? "" : " (always on)") << ": " << p.summary << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  onnx_frontend::isolate_shape_inference(true);
  CLI::App app{"mote: compiles ONNX models into dependency-free C++ for microcontrollers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("mote 0.1.0"));

  CompileArgs compile_args;
  CLI::App* compile = app.add_subcommand("compile", "compile an ONNX model into C++ sources");
  compile->add_option("model", compile_args.model, "the .onnx file")->required();
  compile->add_option("-o,--output", compile_args.output, "output folder (created if missing)");
  compile->add_option("--name", compile_args.name, "C identifier for the model: <name>.h, <name>_run()");
  compile->add_option("--input-shape", compile_args.input_shapes, "NAME=DIMS: pin an input's shape, e.g. input=1x3x32x32");
  compile->add_option("--const-input", compile_args.const_inputs,
                      "NAME=FILE.pb: bind a graph input to a constant TensorProto at compile time");
  compile->add_option("--dump-ir-after", compile_args.dump_after, "PASS or all: print the IR after a pass to stderr");
  compile->add_option("--disable-pass", compile_args.disabled, "PASS: switch an optional pass off");
  compile->add_flag("--arena-extern", compile_args.arena_extern,
                    "the caller passes the arena to <name>_run instead of a static buffer");
  compile->add_option("--max-ram", compile_args.max_ram,
                      "BYTES: fail (exit 3, with the tensor table) when arena + input/output buffers exceed it");
  compile->add_option("--arena-align", compile_args.arena_align, "BYTES: alignment of the arena and every buffer in it (default 16)");
  compile->add_flag("--io-in-arena", compile_args.io_in_arena,
                    "inputs and outputs live in the arena (NAME_input(i) / NAME_output(i) give their addresses); "
                    "NAME_run takes no tensor pointers");
  compile->add_flag("--no-alias", compile_args.no_alias, "give views, slices and concat inputs their own memory (for comparison)");
  compile->add_flag("--no-in-place", compile_args.no_in_place, "never let an op overwrite its input (for comparison)");
  compile->add_flag("--memory-table", compile_args.memory_table, "print every arena tensor with its offset, size and lifetime");
  compile->add_option("--report", compile_args.report, "FILE: write the compile report (sizes, memory plan, tensors) as JSON");
  compile->add_option("--quantize", compile_args.quantize, "int8: post-training quantization calibrated on --calibration");
  compile->add_option("--calibration", compile_args.calibration,
                      "DATA: representative inputs, a .npy / .npz file (samples along the first axis) or a folder of .pb test sets");
  compile->add_option("--observer", compile_args.observer, "minmax (default) or percentile: how activation ranges are chosen")
      ->check(CLI::IsMember({"minmax", "percentile"}));
  compile->add_option("--percentile", compile_args.percentile, "PERCENT: the share of values the percentile observer keeps (99.99)");
  compile->add_option("--keep-float", compile_args.keep_float, "NODE,...: nodes whose outputs stay float")->delimiter(',');
  compile->add_flag("-v,--verbose", compile_args.verbose, "print what each pass did");

  app.add_subcommand("ops", "list the supported operators");
  app.add_subcommand("passes", "list the passes of the pipeline");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    if (app.got_subcommand("compile")) return run_compile(compile_args);
    if (app.got_subcommand("ops")) return run_ops();
    if (app.got_subcommand("passes")) return run_passes();
  } catch (const UserError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const InternalError& e) {
    std::cerr << e.what() << "\nThis is a bug in Mote; please report it with the model.\n";
    return kExitInternalError;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\nThis is a bug in Mote; please report it with the model.\n";
    return kExitInternalError;
  }
  return 0;
}
