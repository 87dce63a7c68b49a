// mote compile: a model in, C++ sources out, and a summary of what it costs.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

#include <unistd.h>

#include "compiler/cli/command.h"
#include "compiler/driver/compile.h"
#include "compiler/driver/report.h"
#include "compiler/ir/errors.h"
#include "passes/memory_table.h"

namespace mote::cli {
namespace {

struct CompileArgs {
  std::string model;
  std::string output = ".";
  std::string name = "model";
  std::vector<std::string> input_shapes, const_inputs, dump_after, disabled;
  std::string report;
  std::string html;
  bool arena_extern = false;
  bool verbose = false;
  bool quiet = false;
  bool memory_table = false;
  bool no_alias = false;
  bool no_in_place = false;
  bool smallest_arena = false;
  bool widen_weights = false;
  bool io_in_arena = false;
  std::string io = "float";
  std::string target;
  std::string max_ram;
  std::string max_flash;
  int64_t arena_align = 16;
  std::string quantize;
  std::string calibration;
  std::string observer = "minmax";
  double percentile = 99.99;
  std::string weight_rounding = "gptq";
  std::vector<std::string> keep_float;
  bool no_equalize = false;
};

void print_quantization(const QuantizeReport& q, const std::string& mode, bool verbose) {
  std::cout << "  " << fmt::format("{:<8}", mode) << q.quantized_tensors << " activations and " << q.quantized_weights << " weight tensors quantized, calibrated on "
            << q.samples << " samples\n";
  for (const TensorError& e : q.outputs) std::cout << "  SQNR    output '" << e.name << "': " << fmt::format("{:.1f}", e.sqnr_db) << " dB\n";
  const size_t shown = verbose ? q.tensors.size() : std::min<size_t>(q.tensors.size(), 3);
  for (size_t i = 0; i < shown; ++i)
    std::cout << "  SQNR    " << (i < 3 ? "worst " : "      ") << "'" << q.tensors[i].name << "': " << fmt::format("{:.1f}", q.tensors[i].sqnr_db)
              << " dB\n";
}

CompileOptions make_options(const CompileArgs& args) {
  CompileOptions options;
  options.model = args.model;
  options.name = args.name;
  options.arena_extern = args.arena_extern;
  if (args.arena_align < 8 || (args.arena_align & (args.arena_align - 1)) != 0)
    throw UserError(ErrorKind::Usage, "--arena-align must be a power of two of at least 8 (the largest element), not " +
                                          std::to_string(args.arena_align));
  options.passes.arena_alignment = args.arena_align;
  if (!args.max_ram.empty()) options.passes.max_ram_bytes = parse_bytes(args.max_ram, "--max-ram");
  if (!args.max_flash.empty()) options.max_flash_bytes = parse_bytes(args.max_flash, "--max-flash");
  if (!args.target.empty()) options.target = find_target(args.target);
  options.passes.alias_views = !args.no_alias;
  options.passes.in_place = !args.no_in_place;
  options.passes.smallest_arena = args.smallest_arena;
  options.passes.lowering.widen_weights = args.widen_weights;
  options.passes.io_in_arena = args.io_in_arena;
  options.passes.quantized_io_bits = args.io == "int8" ? 8 : args.io == "int16" ? 16 : 0;
  bind_input_options(options.import, args.input_shapes, args.const_inputs);
  if (!args.quantize.empty()) {
    options.quantize.activations = quantize_mode_activations(args.quantize);
    if (args.calibration.empty())
      throw UserError(ErrorKind::Usage, "--quantize " + args.quantize + " needs --calibration DATA (.npy, .npz or a folder of .pb sets)");
    const bool wide = options.quantize.activations == DType::Int16;
    if ((args.io == "int8" && wide) || (args.io == "int16" && !wide))
      throw UserError(ErrorKind::Usage, "--io " + args.io + " needs --quantize " + (wide ? "int8" : "int16x8") + ", not --quantize " +
                                            args.quantize);
    options.post_training_quantization = true;
    options.calibration = args.calibration;
    options.quantize.observer = args.observer == "percentile" ? QuantizeOptions::Observer::Percentile
                                : args.observer == "entropy"  ? QuantizeOptions::Observer::Entropy
                                                              : QuantizeOptions::Observer::MinMax;
    options.quantize.percentile = args.percentile;
    options.quantize.weight_rounding =
        args.weight_rounding == "nearest" ? QuantizeOptions::WeightRounding::Nearest : QuantizeOptions::WeightRounding::Gptq;
    options.quantize.keep_float.insert(args.keep_float.begin(), args.keep_float.end());
    options.quantize.equalize_channels = !args.no_equalize;
    if (!args.quiet && isatty(STDERR_FILENO))  // a progress line only where someone watches it
      options.quantize.progress = [](int step, int steps) {
        std::cerr << "\rmote: calibrating " << step << "/" << steps << (step == steps ? "\n" : "") << std::flush;
      };
  } else if (!args.calibration.empty()) {
    throw UserError(ErrorKind::Usage, "--calibration is only used with --quantize");
  }
  options.pipeline.dump_after.insert(args.dump_after.begin(), args.dump_after.end());
  options.pipeline.disabled.insert(args.disabled.begin(), args.disabled.end());
  options.pipeline.dump = &std::cerr;
  return options;
}

void print_summary(const CompileArgs& args, const CompileOptions& options, const CompileResult& result, double seconds) {
  size_t kernels = 0;
  int64_t widenable_bytes = 0;  // int8 weights --widen-weights would store as int16
  for (const auto& node : result.graph->nodes()) {
    kernels += node->kernels.size();
    for (const KernelCall& call : node->kernels)
      if ((call.function.rfind("mote::qconv_s8<", 0) == 0 || call.function.rfind("mote::qfully_connected_s8<", 0) == 0) &&
          call.args.size() > 2 && call.args[2].constant && call.args[2].constant->dtype() == DType::Int8)
        widenable_bytes += static_cast<int64_t>(call.args[2].constant->byte_size());
  }
  const MemorySummary& m = result.graph->memory;
  auto ratio = [](int64_t a, int64_t b) { return b > 0 ? fmt::format("{:.2f}", static_cast<double>(a) / static_cast<double>(b)) : std::string("-"); };
  std::cout << args.name << ": " << result.nodes_imported << " nodes imported, " << result.graph->nodes().size()
            << " after optimisation, " << kernels << " kernel calls (" << m.elided_copies << " copies elided)\n"
            << "  arena   " << result.code.arena_bytes << " bytes (" << m.planner << "; " << m.aliased_values
            << " tensors share memory"
            << (m.smallest_arena_bytes < m.arena_bytes
                    ? "; " + std::to_string(m.smallest_arena_bytes) + " with --smallest-arena: faster convolutions within the RAM budget"
                    : std::string())
            << ")\n"
            << "  bound   " << m.bound_schedule << " bytes live at the peak of the schedule, " << m.bound_file_order
            << " in file order, without sharing; arena/bound " << ratio(result.code.arena_bytes, m.bound_schedule) << "\n"
            << "  I/O     " << (options.passes.io_in_arena ? std::string("in the arena") : std::to_string(m.io_bytes) + " bytes of input and output buffers (the caller's)")
            << "; RAM in all " << result.code.arena_bytes + m.io_bytes << " bytes\n"
            << "  weights " << result.code.weights_bytes << " bytes"
            << (widenable_bytes > 0 ? "; " + std::to_string(result.code.weights_bytes + widenable_bytes) +
                                          " with --widen-weights: faster int8 convolutions and fully connected layers on DSP cores"
                                    : std::string())
            << "\n";
  if (options.target) {
    const TargetDescription& t = *options.target;
    std::cout << "  target  " << t.name << (t.board.empty() ? std::string(" (no reference board)") : ": " + t.board);
    if (t.ram_bytes > 0) std::cout << "; uses " << result.code.arena_bytes + m.io_bytes << " of " << t.ram_bytes << " bytes of RAM";
    if (t.flash_bytes > 0) std::cout << ", weights " << result.code.weights_bytes << " of " << t.flash_bytes << " bytes of flash";
    std::cout << "\n";
  }
  if (result.quantization) print_quantization(*result.quantization, args.quantize, args.verbose);
  std::cout << "  wrote " << result.code.files.size() << " files to " << args.output << " in " << fmt::format("{:.2f}", seconds) << " s\n";
}

void write_report(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
  if (!out) throw UserError(ErrorKind::Usage, "cannot write the report '" + path + "'");
}

int run_compile(const CompileArgs& args) {
  auto start = std::chrono::steady_clock::now();
  const CompileOptions options = make_options(args);
  CompileResult result = compile_model(options);
  write_generated(result.code, args.output);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  for (const auto& w : result.warnings) std::cerr << "warning: " << w << "\n";
  if (args.verbose)
    for (const auto& n : result.notes) std::cerr << "note: " << n << "\n";
  if (!args.quiet) print_summary(args, options, result, seconds);
  if (args.memory_table) std::cout << format_tensor_table(arena_tensors(*result.graph));
  if (!args.report.empty()) write_report(args.report, compile_report_json(options, result));
  if (!args.html.empty()) write_report(args.html, compile_report_html(options, result));
  return 0;
}

}  // namespace

Command add_compile_command(CLI::App& app) {
  auto args = std::make_shared<CompileArgs>();
  CLI::App* compile = app.add_subcommand("compile", "compile an ONNX model into C++ sources");
  compile->add_option("model", args->model, "the .onnx file")->required();
  compile->add_option("-o,--output", args->output, "output folder (created if missing)");
  compile->add_option("--name", args->name, "C identifier for the model: <name>.h, <name>_run()");
  compile->add_option("--input-shape", args->input_shapes, "NAME=DIMS: pin an input's shape, e.g. input=1x3x32x32");
  compile->add_option("--const-input", args->const_inputs, "NAME=FILE.pb: bind a graph input to a constant TensorProto at compile time");
  compile->add_option("--dump-ir-after", args->dump_after, "PASS or all: print the IR after a pass to stderr");
  compile->add_option("--disable-pass", args->disabled, "PASS: switch an optional pass off");
  compile->add_flag("--arena-extern", args->arena_extern, "the caller passes the arena to <name>_run instead of a static buffer");
  compile->add_option("--target", args->target,
                      "NAME: a target from `mote targets`; its reference board's RAM and flash become the budgets not given");
  compile->add_option("--max-ram", args->max_ram,
                      "BYTES (or 64K, 1M): fail (exit 3, with the tensor table) when arena + input/output buffers exceed it");
  compile->add_option("--max-flash", args->max_flash,
                      "BYTES (or 256K, 1M): fail (exit 3, with the largest weights) when the weights exceed it");
  compile->add_option("--arena-align", args->arena_align, "BYTES: alignment of the arena and every buffer in it (default 16)");
  compile->add_flag("--io-in-arena", args->io_in_arena,
                    "inputs and outputs live in the arena (NAME_input(i) / NAME_output(i) give their addresses); "
                    "NAME_run takes no tensor pointers");
  compile->add_option("--io", args->io,
                      "float (default), int8 or int16: the run function takes and returns the quantized tensors "
                      "(int16 with --quantize int16x8); their scale and zero point are in the header")
      ->check(CLI::IsMember({"float", "int8", "int16"}));
  compile->add_flag("--no-alias", args->no_alias, "give views, slices and concat inputs their own memory (for comparison)");
  compile->add_flag("--no-in-place", args->no_in_place, "never let an op overwrite its input (for comparison)");
  compile->add_flag("--smallest-arena", args->smallest_arena,
                    "kernels take only the scratch the smallest arena leaves free (by default, with a RAM budget from --max-ram or "
                    "--target, their faster forms take more when the arena then stays within it)");
  compile->add_flag("--widen-weights", args->widen_weights,
                    "int8 convolutions and fully connected layers store their weights as int16: twice their flash, inner loops "
                    "with a quarter (convolutions) to a third (fully connected) fewer instructions on cores with the DSP "
                    "extension (Cortex-M4, M7, M33)");
  compile->add_flag("--memory-table", args->memory_table, "print every arena tensor with its offset, size and lifetime");
  compile->add_option("--report", args->report, "FILE: write the compile report (sizes, MACs, memory plan, tensors) as JSON");
  compile->add_option("--html", args->html,
                      "FILE: write the report as one self-contained HTML page (totals, arena timeline, flash by node, every node)");
  compile->add_option("--quantize", args->quantize,
                      "int8, or int16x8 (int16 activations, int8 weights): post-training quantization calibrated on --calibration");
  compile->add_option("--calibration", args->calibration,
                      "DATA: representative inputs, a .npy / .npz file (samples along the first axis) or a folder of .pb test sets");
  compile->add_option("--observer", args->observer,
                      "minmax (default), percentile or entropy (least KL divergence): how activation ranges are chosen")
      ->check(CLI::IsMember({"minmax", "percentile", "entropy"}));
  compile->add_option("--percentile", args->percentile, "PERCENT: the share of values the percentile observer keeps (99.99)");
  compile->add_option("--weight-rounding", args->weight_rounding,
                      "gptq (default: each layer's output on the calibration data kept closest to float) or nearest (each weight to its "
                      "nearest step)")
      ->check(CLI::IsMember({"gptq", "nearest"}));
  compile->add_option("--keep-float", args->keep_float, "NODE,...: nodes whose outputs stay float")->delimiter(',');
  compile->add_flag("--no-equalize", args->no_equalize,
                    "quantize without equalizing channel ranges across layer pairs first (equalize_channel_ranges)");
  CLI::Option* verbose = compile->add_flag("-v,--verbose", args->verbose, "print what each pass did");
  compile->add_flag("-q,--quiet", args->quiet, "print nothing but warnings and errors")->excludes(verbose);
  return {compile, [args] { return run_compile(*args); }};
}

}  // namespace mote::cli
