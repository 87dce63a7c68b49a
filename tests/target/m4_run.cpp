// mote-m4-run: compiles models with Mote, builds them into a bare-metal firmware for the
// emulated Cortex-M4F (targets/mps2-an386), runs every test data set under QEMU and reports
// what TinyML people measure: instructions per inference (exact, from the FPGAIO counter with
// -icount), MACs per instruction, flash and static RAM (arm-none-eabi-size), arena, peak stack
// (stack painting, the whole firmware) and the static stack bound of the run function (GCC's
// -fcallgraph-info=su), agreement with the expected outputs, and an energy estimate.
//
//   mote-m4-run [--work DIR] [--check] [--per-layer] [--max-ram BYTES] [--widen-weights] [--target NAME] [--quantize MODE]
//               MODEL_DIR...
//
// MODEL_DIR holds model.onnx and test_data_set_N/{input,output}_K.pb (float32 tensors).
// --quantize int8|int16x8 quantizes the float model first, calibrated on MODEL_DIR/calibration.npz;
// its outputs are then compared with the same generated code run on the host, bit for bit. With
// --check the exit status is 1 when any output misses (|got - want| > 1e-5 + 1e-3 |want|, or a
// different argmax), when the firmware faults, or when the image links malloc/free/new/delete,
// printf or exception support.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "compiler/driver/compile.h"
#include "compiler/driver/shell.h"
#include "compiler/driver/targets.h"
#include "compiler/eval/evaluator.h"
#include "compiler/ir/errors.h"
#include "compiler/ir/literals.h"
#include "compiler/ops/op_def.h"
#include "frontend/onnx/tensor_proto.h"

namespace fs = std::filesystem;
using namespace mote;

namespace {

struct DataSet {
  std::vector<Tensor> inputs, outputs;
  // No stored outputs: the reference is the compiled graph evaluated on the host (the same
  // runtime-min kernels, built for the host), and the target must match it bit for bit.
  bool host_reference = false;
};

struct LayerTime {
  std::string node, op, kernel;
  int64_t macs = 0, instructions = 0;
};

struct Result {
  std::string model;
  std::vector<LayerTime> layers;  // with --per-layer
  int64_t instructions = 0, macs = 0, text = 0, data = 0, bss = 0, arena = 0, stack = 0;
  int64_t static_stack = -1;  // -1: unbounded (recursion or dynamic frames)
  double max_error = 0.0;
  bool outputs_ok = true, argmax_ok = true, clean_image = true;
  std::string problem;
};

std::string run_command(const std::string& command, int* status = nullptr) {
  std::string out;
  const std::optional<int> started = run_shell(command, out);
  if (!started) throw std::runtime_error("cannot run: " + command);
  const int code = *started;
  if (status) *status = code;
  else if (code != 0) throw std::runtime_error(command + " failed:\n" + out);
  return out;
}

// The worst-case stack of `root` from GCC's call graph with stack usage (-fcallgraph-info=su,
// one .ci file per translation unit): the largest sum of static frames along any call path.
// Calls into libraries (libm, libgcc: shown as ellipses) have no frame in the file and count as
// 0; `external` lists them. -1 when a frame is dynamic or the graph has a cycle.
int64_t static_stack_bound(const fs::path& ci, const std::string& root, std::set<std::string>& external) {
  std::ifstream in(ci);
  std::map<std::string, int64_t> frame;  // -1: dynamic
  std::map<std::string, std::vector<std::string>> calls;
  const std::regex node_re(R"re(node: \{ title: "([^"]+)" label: "(.*)"(.*)\})re");
  const std::regex edge_re(R"re(edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)")re");
  const std::regex size_re(R"re(\\n(\d+) bytes \((static|dynamic[^)]*)\)$)re");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, node_re)) {
      std::smatch size;
      const std::string label = m[2].str();
      if (std::regex_search(label, size, size_re)) frame[m[1].str()] = size[2].str() == "static" ? std::stoll(size[1].str()) : -1;
      else external.insert(m[1].str());
    } else if (std::regex_search(line, m, edge_re)) {
      calls[m[1].str()].push_back(m[2].str());
    }
  }
  std::map<std::string, int64_t> memo;
  std::set<std::string> active;
  std::function<int64_t(const std::string&)> depth = [&](const std::string& f) -> int64_t {
    if (external.count(f)) return 0;
    if (active.count(f)) return -1;  // recursion
    if (auto it = memo.find(f); it != memo.end()) return it->second;
    auto own = frame.find(f);
    if (own == frame.end() || own->second < 0) return memo[f] = -1;
    active.insert(f);
    int64_t deepest = 0;
    for (const std::string& callee : calls[f]) {
      const int64_t d = depth(callee);
      if (d < 0) {
        deepest = -1;
        break;
      }
      deepest = std::max(deepest, d);
    }
    active.erase(f);
    return memo[f] = deepest < 0 ? -1 : own->second + deepest;
  };
  return depth(root);
}

// Multiply-accumulates of the convolutions and matrix products, from the compiled graph.
int64_t count_macs(const Graph& graph) {
  int64_t macs = 0;
  for (const auto& node : graph.nodes()) macs += multiply_accumulates(*node);
  return macs;
}

std::string float_array(const Tensor& t) {
  std::string s = "{";
  for (int64_t i = 0; i < t.numel(); ++i) s += (i ? ", " : "") + element_literal(t, i);
  return s + "}";
}

// main(): runs each data set, printing "OUT set index bits", "TICKS set n" and "STACK n"; with
// per-layer timing (the generated code built with MOTE_PROFILE_LAYERS), "LAYER step ticks" for
// every node of the first set.
std::string firmware_main(const Graph& graph, const std::vector<DataSet>& sets) {
  std::string s = "// Generated by mote-m4-run.\n#include <math.h>\n#include <stdint.h>\n#include <string.h>\n#include \"model.h\"\n"
                  "#include \"cycle_counter.h\"\n#include \"semihosting.h\"\n\n"
                  "extern \"C\" uint32_t stack_bytes_used(void);\n\nnamespace {\n";
  for (size_t d = 0; d < sets.size(); ++d)
    for (size_t k = 0; k < sets[d].inputs.size(); ++k)
      s += "const float input_" + std::to_string(d) + "_" + std::to_string(k) + "[] = " + float_array(sets[d].inputs[k]) + ";\n";
  for (size_t k = 0; k < graph.outputs.size(); ++k)
    s += "float output_" + std::to_string(k) + "[" + std::to_string(std::max<int64_t>(1, graph.outputs[k]->shape.numel())) + "];\n";
  s += "uint32_t layer_start[" + std::to_string(graph.nodes().size() + 2) + "];\n";
  s += R"(
void print(const char* tag, uint32_t a, uint32_t b, uint32_t c) {
  char text[64];
  int n = 0;
  for (const char* p = tag; *p; ++p) text[n++] = *p;
  const uint32_t values[3] = {a, b, c};
  for (int v = 0; v < 3; ++v) {
    text[n++] = ' ';
    for (int shift = 28; shift >= 0; shift -= 4) text[n++] = "0123456789abcdef"[(values[v] >> shift) & 0xFu];
  }
  text[n++] = '\n';
  text[n] = 0;
  semihost_write(text);
}

}  // namespace

extern "C" void mote_profile_layer(int step) { layer_start[step] = fpgaio_counter(); }

int main(void) {
)";
  for (size_t d = 0; d < sets.size(); ++d) {
    s += "  {\n    const uint32_t start = fpgaio_counter();\n    const int status = model_run(";
    std::vector<std::string> args;
    for (size_t k = 0; k < sets[d].inputs.size(); ++k) args.push_back("input_" + std::to_string(d) + "_" + std::to_string(k));
    for (size_t k = 0; k < graph.outputs.size(); ++k) args.push_back("output_" + std::to_string(k));
    for (size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + args[i];
    s += ");\n    const uint32_t ticks = fpgaio_counter() - start;\n    if (status != 0) return 2;\n";
    s += "    print(\"TICKS\", " + std::to_string(d) + "u, ticks, 0u);\n";
    if (d == 0)
      s += "    for (uint32_t step = 1; step <= " + std::to_string(graph.nodes().size()) +
           "u; ++step) print(\"LAYER\", step, layer_start[step + 1] - layer_start[step], 0u);\n";
    for (size_t k = 0; k < graph.outputs.size(); ++k)
      s += "    for (uint32_t i = 0; i < " + std::to_string(graph.outputs[k]->shape.numel()) +
           "u; ++i) {\n      uint32_t bits;\n      memcpy(&bits, &output_" + std::to_string(k) + "[i], 4);\n      print(\"OUT\", " +
           std::to_string(d) + "u, " + std::to_string(k) + "u * 0x10000u + i, bits);\n    }\n";
    s += "  }\n";
  }
  s += "  print(\"STACK\", stack_bytes_used(), 0u, 0u);\n  return 0;\n}\n";
  return s;
}

std::vector<DataSet> read_sets(const fs::path& dir) {
  std::vector<DataSet> sets;
  for (int d = 0; fs::exists(dir / ("test_data_set_" + std::to_string(d))); ++d) {
    const fs::path set = dir / ("test_data_set_" + std::to_string(d));
    DataSet data;
    for (int k = 0; fs::exists(set / ("input_" + std::to_string(k) + ".pb")); ++k)
      data.inputs.push_back(onnx_frontend::read_tensor_file(set / ("input_" + std::to_string(k) + ".pb")));
    for (int k = 0; fs::exists(set / ("output_" + std::to_string(k) + ".pb")); ++k)
      data.outputs.push_back(onnx_frontend::read_tensor_file(set / ("output_" + std::to_string(k) + ".pb")));
    sets.push_back(std::move(data));
  }
  return sets;
}

Result run_model(const fs::path& dir, const fs::path& work, const fs::path& harness, const TargetDescription& target, bool per_layer,
                 const std::string& quantize, const PassOptions& passes) {
  Result r;
  r.model = dir.filename().string() + (quantize.empty() ? "" : " (" + quantize + ")");
  const fs::path out = work / (dir.filename().string() + (quantize.empty() ? "" : "_" + quantize));
  fs::remove_all(out);
  CompileOptions options;
  options.model = dir / "model.onnx";
  options.name = "model";
  options.passes = passes;
  if (!quantize.empty()) {
    options.post_training_quantization = true;
    options.quantize.activations = quantize_mode_activations(quantize);
    options.calibration = dir / "calibration.npz";
  }
  CompileResult compiled = compile_model(options);
  write_generated(compiled.code, out);
  const Graph& graph = *compiled.graph;
  for (const Value* v : graph.inputs)
    if (v->dtype != DType::Float32) throw UserError(ErrorKind::Unsupported, r.model + ": only float32 inputs are supported here");
  for (const Value* v : graph.outputs)
    if (v->dtype != DType::Float32) throw UserError(ErrorKind::Unsupported, r.model + ": only float32 outputs are supported here");
  r.macs = count_macs(graph);
  r.arena = compiled.code.arena_bytes;
  std::vector<DataSet> sets = read_sets(dir);
  for (DataSet& set : sets)
    if (set.outputs.empty() || !quantize.empty()) {
      set.outputs = evaluate_graph(graph, set.inputs);
      set.host_reference = true;
    }
  std::ofstream(out / "main.cpp") << firmware_main(graph, sets);

  const std::string flags = target.flags + " -O2 -ffunction-sections -fdata-sections" + (per_layer ? " -DMOTE_PROFILE_LAYERS" : "");
  // The board's own files (link.ld, cycle_counter.h) first, then the shared MPS2 ones
  // (startup.c, semihosting.h).
  const fs::path board = harness.parent_path() / target.qemu_harness;
  const std::string cxx = "arm-none-eabi-g++ -std=c++17 " + flags + " -fno-exceptions -fno-rtti -Wall -Wextra -Werror -I" +
                          out.string() + " -I" + board.string() + " -I" + harness.string();
  for (const char* unit : {"model.cpp", "model_weights.cpp", "main.cpp"})
    run_command(cxx + (std::string(unit) == "model.cpp" ? " -fstack-usage -fcallgraph-info=su" : "") + " -c " + (out / unit).string() +
                " -o " + (out / (std::string(unit) + ".o")).string());
  std::set<std::string> external;
  r.static_stack = static_stack_bound(out / "model.cpp.ci", "model_run", external);
  run_command("arm-none-eabi-gcc " + flags + " -Wall -Wextra -Werror -c " + (harness / "startup.c").string() + " -o " +
              (out / "startup.o").string());
  const fs::path elf = out / "firmware.elf";
  // The C driver: the firmware needs no libstdc++ (no STL, no exceptions, no RTTI).
  run_command("arm-none-eabi-gcc " + flags + " -nostartfiles --specs=nano.specs --specs=nosys.specs -T " +
              (board / "link.ld").string() + " -Wl,--gc-sections " + (out / "startup.o").string() + " " +
              (out / "model.cpp.o").string() + " " + (out / "model_weights.cpp.o").string() + " " + (out / "main.cpp.o").string() +
              " -lm -o " + elf.string());

  // The firmware must not pull in the heap, stdio or exceptions.
  const std::string symbols = run_command("arm-none-eabi-nm " + elf.string());
  for (const char* banned : {" malloc", " free", " _Znwj", " _Znaj", " _ZdlPv", " _ZdaPv", " printf", " __cxa_throw",
                             " __cxa_allocate_exception"})
    if (symbols.find(std::string(banned) + "\n") != std::string::npos) {
      r.clean_image = false;
      r.problem += "links" + std::string(banned) + "; ";
    }
  std::istringstream size(run_command("arm-none-eabi-size " + elf.string()));
  std::string header;
  std::getline(size, header);
  size >> r.text >> r.data >> r.bss;

  // 64 ns of virtual time per instruction (-icount shift=6), 1000 / MHz ns per counter tick.
  auto instructions_of = [&](int64_t ticks) {
    return static_cast<int64_t>(static_cast<double>(ticks) * 1000.0 / (target.qemu_counter_mhz * 64.0));
  };
  int status = 0;
  const std::string log = run_command("timeout 600 qemu-system-arm -M " + target.qemu_machine + " -nographic -monitor none -serial none "
                                      "-semihosting-config enable=on,target=native -icount shift=6,sleep=off -kernel " +
                                          elf.string(),
                                      &status);
  if (status != 0) {
    r.problem += "the firmware failed: " + log;
    r.outputs_ok = false;
    return r;
  }
  std::map<std::pair<uint32_t, uint32_t>, float> got;  // (set, output << 16 | index) -> value
  int64_t ticks = 0;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string tag;
    uint32_t a = 0, b = 0, c = 0;
    fields >> tag >> std::hex >> a >> b >> c;
    if (tag == "OUT") std::memcpy(&got[{a, b}], &c, 4);
    if (tag == "TICKS") ticks = std::max<int64_t>(ticks, b);
    if (tag == "STACK") r.stack = a;
    if (tag == "LAYER" && per_layer && a >= 1 && a <= graph.nodes().size()) {
      const Node& node = *graph.nodes()[a - 1];
      LayerTime t{node.label(), node.op_name(), "", multiply_accumulates(node), instructions_of(b)};
      for (const KernelCall& call : node.kernels)
        if (!call.elided) t.kernel += (t.kernel.empty() ? "" : ", ") + call.function;
      r.layers.push_back(t);
    }
  }
  r.instructions = instructions_of(ticks);
  for (size_t d = 0; d < sets.size(); ++d)
    for (size_t k = 0; k < sets[d].outputs.size(); ++k) {
      const Tensor& want = sets[d].outputs[k];
      int64_t best_got = 0, best_want = 0;
      for (int64_t i = 0; i < want.numel(); ++i) {
        auto it = got.find({static_cast<uint32_t>(d), static_cast<uint32_t>(k * 0x10000 + i)});
        if (it == got.end()) {
          r.outputs_ok = false;
          r.problem += "missing output; ";
          break;
        }
        const double g = it->second, w = want.data<float>()[i];
        r.max_error = std::max(r.max_error, std::fabs(g - w));
        const bool close = sets[d].host_reference ? std::memcmp(&it->second, &want.data<float>()[i], 4) == 0
                                                  : std::fabs(g - w) <= 1e-5 + 1e-3 * std::fabs(w);
        if (!close) r.outputs_ok = false;
        if (g > got[{static_cast<uint32_t>(d), static_cast<uint32_t>(k * 0x10000 + best_got)}]) best_got = i;
        if (w > want.data<float>()[best_want]) best_want = i;
      }
      if (best_got != best_want) r.argmax_ok = false;
    }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path work = "m4-work";
  bool check = false, per_layer = false;
  // --max-ram: the faster convolution blocks when the arena then fits; --widen-weights.
  PassOptions passes;
  std::string target_name = "cortex-m4", quantize;
  std::vector<fs::path> models;
  // The shared MPS2 harness; each target names its board's folder (mps2-an386 for the M3, M4
  // and M7 boards, which share a memory map; mps2-an505 for the M33).
  const fs::path harness = fs::path(MOTE_SOURCE_DIR) / "targets" / "mps2-an386";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--work" && i + 1 < argc) work = argv[++i];
    else if (a == "--target" && i + 1 < argc) target_name = argv[++i];
    else if (a == "--quantize" && i + 1 < argc) quantize = argv[++i];
    else if (a == "--check") check = true;
    else if (a == "--per-layer") per_layer = true;
    else if (a == "--max-ram" && i + 1 < argc) passes.max_ram_bytes = std::stoll(argv[++i]);
    else if (a == "--widen-weights") passes.lowering.widen_weights = true;
    else models.emplace_back(a);
  }
  if (models.empty()) {
    std::cerr << "usage: mote-m4-run [--work DIR] [--check] [--per-layer] [--max-ram BYTES] [--widen-weights] "
                 "[--target cortex-m4|cortex-m3|cortex-m7] "
                 "[--quantize int8|int16x8] "
                 "MODEL_DIR...\n";
    return 2;
  }
  TargetDescription target;
  try {
    target = find_target(target_name);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  if (target.qemu_machine.empty()) {
    std::cerr << "target " << target.name << " has no emulated board\n";
    return 2;
  }
  std::cout << "target " << target.name << " on qemu-system-arm -M " << target.qemu_machine << " (" << target.flags << ")";
  if (target.active_ua_per_mhz)
    std::cout << "; energy is an estimate: one cycle per instruction at " << *target.active_ua_per_mhz << " uA/MHz and " << target.supply_volts
              << " V (" << target.board << ", " << target.datasheet << ")";
  std::cout << "\n\n";
  fs::create_directories(work);
  std::cout << "| model | instructions / inference | MACs | MAC / instruction | text | data | bss | arena | stack | "
               "static stack | max abs error | outputs | argmax | energy (estimate) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|\n";
  int failures = 0;
  std::vector<Result> results;
  for (const fs::path& dir : models) {
    try {
      Result r = run_model(dir, work, harness, target, per_layer, quantize, passes);
      const std::optional<double> energy = target.energy_uj(r.instructions);
      std::cout << "| " << r.model << " | " << r.instructions << " | " << r.macs << " | " << std::fixed << std::setprecision(3)
                << (r.instructions ? static_cast<double>(r.macs) / static_cast<double>(r.instructions) : 0.0) << " | " << r.text
                << " | " << r.data << " | " << r.bss << " | " << r.arena << " | " << r.stack << " | "
                << (r.static_stack < 0 ? std::string("unbounded") : std::to_string(r.static_stack)) << " | " << std::scientific
                << std::setprecision(2) << r.max_error << std::defaultfloat << " | " << (r.outputs_ok ? "match" : "MISMATCH")
                << " | " << (r.argmax_ok ? "equal" : "DIFFERS") << " | "
                << (energy ? std::to_string(static_cast<int64_t>(*energy + 0.5)) + " uJ" : std::string("-")) << " |\n";
      if (!r.outputs_ok || !r.argmax_ok || !r.clean_image) {
        std::cerr << r.model << ": " << r.problem << "\n";
        ++failures;
      }
      results.push_back(std::move(r));
    } catch (const std::exception& e) {
      std::cerr << dir << ": " << e.what() << "\n";
      ++failures;
    }
  }
  for (const Result& r : results) {
    if (r.layers.empty()) continue;
    std::cout << "\n" << r.model << " per layer (first data set; the totals above include the timing hooks)\n\n"
              << "| step | node | op | kernel | MACs | instructions | MAC / instruction |\n|---:|---|---|---|---:|---:|---:|\n";
    for (size_t i = 0; i < r.layers.size(); ++i) {
      const LayerTime& t = r.layers[i];
      std::cout << "| " << i + 1 << " | " << t.node << " | " << t.op << " | " << t.kernel << " | " << t.macs << " | " << t.instructions << " | "
                << std::fixed << std::setprecision(3)
                << (t.instructions ? static_cast<double>(t.macs) / static_cast<double>(t.instructions) : 0.0) << std::defaultfloat << " |\n";
    }
  }
  return check && failures ? 1 : 0;
}
