// Golden-output runner over folders in the ONNX test-suite layout (model.onnx,
// test_data_set_N/input_K.pb, output_K.pb). For every test: compile with Mote (in-process),
// build the generated code with a host harness under ASan+UBSan and -Werror, run every data
// set, compare with the expected outputs (float: |got - want| <= 1e-5 + 1e-3 |want|; integers
// and bools exact; a float output made by DequantizeLinear with a constant scale and zero point
// is compared in the integer domain, round(y / scale) + zero point, within --lsb-tolerance,
// default 0). Optionally also compile the generated code for Cortex-M4 with -Werror.
//
// Prints one line per test (PASS, FAIL(reason), UNSUPPORTED(reason)) and a summary, and fails
// when a test in the expected-pass list does not pass. Builds are batched (several models per
// translation unit) to keep the suite fast; a failing batch is rebuilt model by model so a
// failure is pinned on the right test.
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "codegen/emitters.h"
#include "codegen/runtime_headers.h"
#include "codegen/symbols.h"
#include "compiler/driver/compile.h"
#include "compiler/ir/dispatch.h"
#include "compiler/ir/errors.h"
#include "frontend/onnx/model_loader.h"
#include "frontend/onnx/tensor_proto.h"

namespace fs = std::filesystem;
using namespace mote;

namespace {

struct Options {
  std::vector<fs::path> suites;
  fs::path expected;
  fs::path write_expected;
  fs::path work = "golden-work";
  std::string filter;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int batch = 24;
  bool sanitize = true;
  bool cortex_m4 = false;
  std::string cxx = "g++";
  std::string arm_cxx = "arm-none-eabi-g++";
  std::vector<std::string> disabled_passes;
  bool io_in_arena = false;
  bool widen_weights = false;
  // Dequantized outputs: allowed difference in quantization steps, and whether an output beyond
  // it still passes when its argmax is the expected one (the MLPerf README's criterion for
  // QDQ graphs evaluated with float semantics instead of TFLite's fixed point).
  int lsb_tolerance = 0;
  bool argmax_fallback = false;
};

// The quantization a float output was dequantized from.
struct OutputQuantization {
  double scale = 0;
  int64_t zero = 0;
};

struct DataSet {
  fs::path dir;
  std::vector<Tensor> inputs;   // in ONNX graph-input order (non-initializer inputs)
  std::vector<Tensor> outputs;  // in ONNX graph-output order
};

// One compiled model: all data sets, or one data set when inputs had to be bound to it.
struct Variant {
  std::string name;  // C identifier, unique in the run
  fs::path dir;
  std::vector<size_t> sets;
  std::vector<size_t> input_slots;  // per run() input: index into DataSet::inputs
  std::vector<DType> input_types, output_types;
  std::vector<Shape> output_shapes;
  std::vector<std::optional<OutputQuantization>> output_quantization;
  bool built = false;
};

enum class Status { Pending, Pass, Fail, Unsupported };

struct TestCase {
  std::string name;
  fs::path dir;
  std::string suite;
  std::vector<DataSet> sets;
  std::vector<Variant> variants;
  bool bound_inputs = false;
  Status status = Status::Pending;
  std::string reason;
  double compile_seconds = 0;
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int run_command(const std::string& command, const fs::path& log) {
  int status = std::system((command + " > " + shell_quote(log.string()) + " 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string read_text(const fs::path& path, size_t limit = 2000) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  if (text.size() > limit) text = text.substr(0, limit) + "...";
  return text;
}

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.size() > 160 ? line.substr(0, 160) + "..." : line;
}

// Loads the test data; false (with a reason) when a data file is not a plain tensor.
bool load_data(TestCase& t) {
  std::vector<fs::path> set_dirs;
  for (const auto& entry : fs::directory_iterator(t.dir))
    if (entry.is_directory() && entry.path().filename().string().rfind("test_data_set_", 0) == 0)
      set_dirs.push_back(entry.path());
  std::sort(set_dirs.begin(), set_dirs.end());
  for (const fs::path& dir : set_dirs) {
    DataSet set;
    set.dir = dir;
    for (const char* kind : {"input", "output"}) {
      for (int k = 0;; ++k) {
        fs::path file = dir / (std::string(kind) + "_" + std::to_string(k) + ".pb");
        if (!fs::exists(file)) break;
        try {
          Tensor tensor = onnx_frontend::read_tensor_file(file);
          (std::string(kind) == "input" ? set.inputs : set.outputs).push_back(std::move(tensor));
        } catch (const UserError& e) {
          t.status = Status::Unsupported;
          t.reason = "test data " + file.filename().string() + " is not a tensor Mote handles (" +
                     first_line(e.diagnostics().front().message) + ")";
          return false;
        }
      }
    }
    t.sets.push_back(std::move(set));
  }
  if (t.sets.empty()) {
    t.status = Status::Unsupported;
    t.reason = "no test data";
    return false;
  }
  return true;
}

bool is_unsupported_kind(ErrorKind k) { return k != ErrorKind::Usage; }

std::vector<std::string> onnx_input_names(const fs::path& model_path) {
  onnx_frontend::LoadedModel model = onnx_frontend::load_model(model_path);
  std::vector<std::string> names;
  std::set<std::string> initializers;
  for (const auto& init : model.proto.graph().initializer()) initializers.insert(init.name());
  for (const auto& in : model.proto.graph().input())
    if (!initializers.count(in.name())) names.push_back(in.name());
  return names;
}

// Compiles one variant of a test, writing the generated code under its folder.
void compile_variant(const Options& options, TestCase& t, Variant& v,
                     const std::map<std::string, Tensor>& bound) {
  CompileOptions co;
  co.model = t.dir / "model.onnx";
  co.name = v.name;
  co.import.const_inputs = bound;
  co.pipeline.disabled.insert(options.disabled_passes.begin(), options.disabled_passes.end());
  co.passes.io_in_arena = options.io_in_arena;
  co.passes.lowering.widen_weights = options.widen_weights;
  CompileResult result = compile_model(co);
  // Graph inputs of the compiled model -> slot of the test data (ONNX input order).
  std::vector<std::string> onnx_inputs = onnx_input_names(co.model);
  for (const Value* in : result.graph->inputs) {
    auto it = std::find(onnx_inputs.begin(), onnx_inputs.end(), in->name);
    if (it == onnx_inputs.end()) throw InternalError("graph input '" + in->name + "' not found in the ONNX model");
    v.input_slots.push_back(static_cast<size_t>(it - onnx_inputs.begin()));
    v.input_types.push_back(in->dtype);
  }
  for (const Value* out : result.graph->outputs) {
    v.output_types.push_back(out->dtype);
    v.output_shapes.push_back(out->shape);
    std::optional<OutputQuantization> q;
    const Node* producer = out->producer;
    if (producer && producer->op_name() == "DequantizeLinear" && producer->inputs.size() >= 2 && producer->inputs[1]->is_constant() &&
        producer->inputs[1]->shape.numel() == 1) {
      q = OutputQuantization{producer->inputs[1]->constant->as_double(0), 0};
      if (producer->inputs.size() >= 3 && producer->inputs[2] && producer->inputs[2]->is_constant())
        q->zero = producer->inputs[2]->constant->as_int64(0);
    }
    v.output_quantization.push_back(q);
  }
  fs::remove_all(v.dir);
  // The runtime-min headers come from one shared folder; only the model files go here.
  GeneratedCode model_only;
  for (const GeneratedFile& f : result.code.files)
    if (f.path.rfind("mote/", 0) != 0) model_only.files.push_back(f);
  write_generated(model_only, v.dir);
}

// The graph inputs NotStatic errors ask to bind.
std::set<std::string> inputs_to_bind(const UserError& e) {
  std::set<std::string> names;
  for (const Diagnostic& d : e.diagnostics()) {
    if (d.kind != ErrorKind::NotStatic) continue;
    if (d.graph_inputs.empty() && d.message.find("it is a graph input") != std::string::npos) names.insert(d.tensor);
    names.insert(d.graph_inputs.begin(), d.graph_inputs.end());
  }
  return names;
}



void compile_test(const Options& options, TestCase& t, int index) {
  auto start = std::chrono::steady_clock::now();
  std::string base = sanitize_identifier("m" + std::to_string(index) + "_" + t.name);
  fs::path dir = options.work / "models" / base;
  try {
    Variant v;
    v.name = base;
    v.dir = dir;
    for (size_t i = 0; i < t.sets.size(); ++i) v.sets.push_back(i);
    try {
      compile_variant(options, t, v, {});
      t.variants.push_back(v);
    } catch (const UserError& e) {
      if (inputs_to_bind(e).empty()) throw;
      // Shape-deciding graph inputs: bind them from each data set in turn (repeating while the
      // compiler asks for more).
      std::vector<std::string> onnx_inputs = onnx_input_names(t.dir / "model.onnx");
      t.bound_inputs = true;
      for (size_t s = 0; s < t.sets.size(); ++s) {
        std::set<std::string> names = inputs_to_bind(e);
        Variant bv;
        bv.name = base + "_s" + std::to_string(s);
        bv.dir = dir.string() + "_s" + std::to_string(s);
        bv.sets = {s};
        for (int attempt = 0;; ++attempt) {
          std::map<std::string, Tensor> bound;
          for (size_t k = 0; k < onnx_inputs.size() && k < t.sets[s].inputs.size(); ++k)
            if (names.count(onnx_inputs[k])) bound.emplace(onnx_inputs[k], t.sets[s].inputs[k]);
          try {
            compile_variant(options, t, bv, bound);
            break;
          } catch (const UserError& again) {
            size_t before = names.size();
            std::set<std::string> more = inputs_to_bind(again);
            names.insert(more.begin(), more.end());
            if (names.size() == before || attempt > 8) throw;
          }
        }
        t.variants.push_back(bv);
      }
    }
  } catch (const UserError& e) {
    t.status = is_unsupported_kind(e.kind()) ? Status::Unsupported : Status::Fail;
    t.reason = first_line(e.diagnostics().front().to_string());
  } catch (const std::exception& e) {
    t.status = Status::Fail;
    t.reason = "internal: " + first_line(e.what());
  }
  t.compile_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string host_flags(const Options& options) {
  std::string flags = "-std=c++17 -O1 -Wall -Wextra -Werror -Wno-unused-function";
  if (options.sanitize) flags += " -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer";
  return flags;
}

const char* kArmFlags =
    "-std=c++17 -O2 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -fno-exceptions -fno-rtti "
    "-Wall -Wextra -Werror -ffunction-sections -fdata-sections";

// A harness translation unit for a batch of variants: the generated sources included as a
// unity build, and a main() that runs the jobs listed in a file.
std::string harness_source(const std::vector<const Variant*>& batch, bool with_main, bool io_in_arena) {
  std::string out = "// Generated by the golden runner.\n";
  for (const Variant* v : batch) {
    out += "#include \"" + (v->dir / (v->name + ".cpp")).string() + "\"\n";
    out += "#include \"" + (v->dir / (v->name + "_weights.cpp")).string() + "\"\n";
  }
  if (!with_main) return out;
  out += R"(
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// With --io-in-arena the tensors are copied into and out of the arena around the run.
static void copy_bytes(void* to, const void* from, long bytes) {
  if (bytes > 0) memcpy(to, from, (size_t)bytes);
}

static int run_variant(int id, void* const* in, const long* in_bytes, void* const* out, const long* out_bytes) {
  (void)in; (void)out; (void)in_bytes; (void)out_bytes;
  switch (id) {
)";
  for (size_t i = 0; i < batch.size(); ++i) {
    const Variant* v = batch[i];
    if (io_in_arena) {
      out += "    case " + std::to_string(i) + ": {\n";
      for (size_t k = 0; k < v->input_types.size(); ++k)
        out += "      copy_bytes(" + v->name + "_input(" + std::to_string(k) + "), in[" + std::to_string(k) + "], in_bytes[" +
               std::to_string(k) + "]);\n";
      out += "      const int status = " + v->name + "_run();\n";
      for (size_t k = 0; k < v->output_types.size(); ++k)
        out += "      copy_bytes(out[" + std::to_string(k) + "], " + v->name + "_output(" + std::to_string(k) + "), out_bytes[" +
               std::to_string(k) + "]);\n";
      out += "      return status;\n    }\n";
      continue;
    }
    out += "    case " + std::to_string(i) + ": return " + v->name + "_run(";
    std::vector<std::string> args;
    for (size_t k = 0; k < v->input_types.size(); ++k)
      args.push_back("(const " + c_api_type(v->input_types[k]) + "*)in[" + std::to_string(k) + "]");
    for (size_t k = 0; k < v->output_types.size(); ++k)
      args.push_back("(" + c_api_type(v->output_types[k]) + "*)out[" + std::to_string(k) + "]");
    for (size_t k = 0; k < args.size(); ++k) out += (k ? ", " : "") + args[k];
    out += ");\n";
  }
  out += R"(  }
  return 99;
}

// Job file lines: <variant> <n_in> <n_out> then <path> <bytes> per input and per output.
int main(int argc, char** argv) {
  if (argc != 2) return 2;
  FILE* jobs = fopen(argv[1], "r");
  if (!jobs) return 2;
  int id, n_in, n_out;
  while (fscanf(jobs, "%d %d %d", &id, &n_in, &n_out) == 3) {
    void* in[16] = {0};
    void* out[16] = {0};
    char out_path[16][1024];
    long out_bytes[16];
    long in_bytes[16] = {0};
    for (int k = 0; k < n_in + n_out; ++k) {
      char path[1024];
      long bytes;
      if (fscanf(jobs, "%1023s %ld", path, &bytes) != 2) return 2;
      void* buffer = malloc(bytes > 0 ? (size_t)bytes : 1);  // exact size, so ASan sees overruns
      if (k < n_in) {
        FILE* f = fopen(path, "rb");
        if (!f || fread(buffer, 1, (size_t)bytes, f) != (size_t)bytes) return 3;
        fclose(f);
        in[k] = buffer;
        in_bytes[k] = bytes;
      } else {
        memset(buffer, 0xA5, (size_t)(bytes > 0 ? bytes : 1));
        out[k - n_in] = buffer;
        strcpy(out_path[k - n_in], path);
        out_bytes[k - n_in] = bytes;
      }
    }
    int status = run_variant(id, in, in_bytes, out, out_bytes);
    if (status != 0) { printf("variant %d returned %d\n", id, status); return 4; }
    for (int k = 0; k < n_out; ++k) {
      FILE* f = fopen(out_path[k], "wb");
      if (!f || fwrite(out[k], 1, (size_t)out_bytes[k], f) != (size_t)out_bytes[k]) return 5;
      fclose(f);
      free(out[k]);
    }
    for (int k = 0; k < n_in; ++k) free(in[k]);
  }
  fclose(jobs);
  return 0;
}
)";
  return out;
}

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

void write_raw(const fs::path& path, const Tensor& t) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(t.raw()), static_cast<std::streamsize>(t.byte_size()));
}

int64_t argmax(const Tensor& t) {
  int64_t best = 0;
  for (int64_t i = 1; i < t.numel(); ++i)
    if (t.as_double(i) > t.as_double(best)) best = i;
  return best;
}

// Compares one output; empty string when it matches.
std::string compare(const Tensor& want_in, DType got_type, const Shape& got_shape, const fs::path& got_file,
                    const std::optional<OutputQuantization>& quantization, const Options& options) {
  // ONNX 1.12's test data stores bfloat16 results as uint16 bit patterns (numpy has no
  // bfloat16); compare those bits as the model's type.
  Tensor want = want_in.dtype() == DType::UInt16 && got_type == DType::BFloat16
                    ? Tensor(DType::BFloat16, want_in.shape(), want_in.bytes())
                    : want_in;
  if (want.dtype() != got_type)
    return "dtype " + std::string(dtype_name(got_type)) + ", expected " + std::string(dtype_name(want.dtype()));
  if (want.shape() != got_shape)
    return "shape " + got_shape.to_string() + ", expected " + want.shape().to_string();
  std::ifstream in(got_file, std::ios::binary);
  std::vector<uint8_t> bytes(want.byte_size());
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!in && !bytes.empty()) return "output file missing";
  Tensor got(got_type, want.shape(), std::move(bytes));
  if (quantization && is_float(want.dtype()) && quantization->scale > 0) {
    auto level = [&](double y) { return static_cast<int64_t>(std::nearbyint(y / quantization->scale)) + quantization->zero; };
    int64_t bad = 0, first = -1, worst = 0;
    for (int64_t i = 0; i < want.numel(); ++i) {
      const int64_t diff = std::llabs(level(got.as_double(i)) - level(want.as_double(i)));
      if (diff > options.lsb_tolerance) {
        ++bad;
        if (first < 0) first = i;
      }
      worst = std::max(worst, diff);
    }
    if (!bad) return {};
    if (options.argmax_fallback && argmax(got) == argmax(want)) return {};
    std::ostringstream s;
    s << bad << "/" << want.numel() << " elements differ by more than " << options.lsb_tolerance << " LSB (up to " << worst
      << "); first at " << first << ": got " << got.as_double(first) << ", expected " << want.as_double(first);
    return s.str();
  }
  int64_t bad = 0, first = -1;
  double worst = 0;
  for (int64_t i = 0; i < want.numel(); ++i) {
    bool ok;
    if (is_float(want.dtype())) {
      double w = want.as_double(i), g = got.as_double(i);
      if (std::isnan(w) || std::isnan(g)) ok = std::isnan(w) && std::isnan(g);
      else if (std::isinf(w) || std::isinf(g)) ok = w == g;
      else ok = std::fabs(g - w) <= 1e-5 + 1e-3 * std::fabs(w);
      if (!ok && !std::isnan(w)) worst = std::max(worst, std::fabs(g - w));
    } else {
      ok = std::memcmp(want.raw() + i * dtype_size(want.dtype()), got.raw() + i * dtype_size(got_type),
                       dtype_size(got_type)) == 0;
    }
    if (!ok) {
      ++bad;
      if (first < 0) first = i;
    }
  }
  if (!bad) return {};
  std::ostringstream s;
  s << bad << "/" << want.numel() << " elements differ; first at " << first << ": got " << got.as_double(first)
    << ", expected " << want.as_double(first);
  if (worst > 0) s << "; max abs error " << worst;
  return s.str();
}

class Runner {
 public:
  explicit Runner(Options options) : options_(std::move(options)) {}

  int run() {
    auto start = std::chrono::steady_clock::now();
    collect();
    fs::create_directories(options_.work);
    write_runtime();
    parallel_for(tests_.size(), [&](size_t i) {
      TestCase& t = tests_[i];
      if (t.status != Status::Pending) return;
      if (load_data(t)) {
        compile_test(options_, t, static_cast<int>(i));
        return;
      }
      // The data is not plain tensors (sequences, strings, ...): the compiler's reason for
      // rejecting the model is usually the clearer one.
      TestCase probe = t;
      probe.status = Status::Pending;
      probe.sets.assign(1, DataSet{});
      compile_test(options_, probe, static_cast<int>(i));
      if (probe.status != Status::Pending) t.reason = probe.reason;
      t.variants.clear();
    });
    build_and_run();
    if (options_.cortex_m4) build_cortex_m4();
    return report(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

 private:
  void collect() {
    std::regex filter(options_.filter.empty() ? ".*" : options_.filter);
    for (const fs::path& suite : options_.suites) {
      std::vector<fs::path> dirs;
      for (const auto& entry : fs::directory_iterator(suite))
        if (entry.is_directory()) dirs.push_back(entry.path());
      std::sort(dirs.begin(), dirs.end());
      for (const fs::path& dir : dirs) {
        std::string name = dir.filename().string();
        if (!std::regex_search(name, filter)) continue;
        TestCase t;
        t.name = name;
        t.dir = dir;
        t.suite = suite.filename().string();
        bool has_data = false;
        for (const auto& entry : fs::directory_iterator(dir))
          has_data = has_data || entry.path().filename().string().rfind("test_data_set_", 0) == 0;
        if (!has_data && !fs::exists(dir / "model.onnx")) continue;  // not a test folder
        if (!fs::exists(dir / "model.onnx")) {
          t.status = Status::Unsupported;
          t.reason = "no model.onnx (data not shipped)";
        }
        tests_.push_back(std::move(t));
      }
    }
  }

  void write_runtime() {
    for (const std::string& name : embedded_runtime_header_names())
      write_file(options_.work / "runtime" / name, *embedded_runtime_header(name));
  }

  template <class F>
  void parallel_for(size_t count, F f) {
    std::atomic<size_t> next{0};
    std::vector<std::thread> threads;
    for (int j = 0; j < options_.jobs; ++j)
      threads.emplace_back([&] {
        for (size_t i; (i = next++) < count;) f(i);
      });
    for (auto& th : threads) th.join();
  }

  // Builds a harness for the batch; returns "" on success, else the compiler output.
  std::string build(const std::vector<const Variant*>& batch, const fs::path& stem) {
    write_file(stem.string() + ".cpp", harness_source(batch, true, options_.io_in_arena));
    std::string cmd = options_.cxx + " " + host_flags(options_) + " -I" + shell_quote((options_.work / "runtime").string()) +
                      " " + shell_quote(stem.string() + ".cpp") + " -o " + shell_quote(stem.string()) + " -lm";
    fs::path log = stem.string() + ".build.log";
    if (run_command("timeout 600 " + cmd, log) == 0) return {};
    return read_text(log);
  }

  // Runs every data set of the batch's variants; returns "" or why the run failed.
  std::string execute(const std::vector<const Variant*>& batch, const fs::path& stem) {
    std::string jobs;
    for (size_t b = 0; b < batch.size(); ++b) {
      const Variant* v = batch[b];
      const TestCase& t = *owner_.at(v);
      for (size_t s : v->sets) {
        const DataSet& set = t.sets[s];
        fs::path io = v->dir / ("io_" + std::to_string(s));
        fs::create_directories(io);
        jobs += std::to_string(b) + " " + std::to_string(v->input_slots.size()) + " " + std::to_string(v->output_types.size());
        for (size_t k = 0; k < v->input_slots.size(); ++k) {
          if (v->input_slots[k] >= set.inputs.size()) return "test data has too few inputs";
          const Tensor& in = set.inputs[v->input_slots[k]];
          fs::path file = io / ("in_" + std::to_string(k) + ".bin");
          write_raw(file, in);
          jobs += " " + file.string() + " " + std::to_string(in.byte_size());
        }
        for (size_t k = 0; k < v->output_types.size(); ++k) {
          int64_t bytes = v->output_shapes[k].numel() * static_cast<int64_t>(dtype_size(v->output_types[k]));
          jobs += " " + (io / ("out_" + std::to_string(k) + ".bin")).string() + " " + std::to_string(bytes);
        }
        jobs += "\n";
      }
    }
    write_file(stem.string() + ".jobs", jobs);
    fs::path log = stem.string() + ".run.log";
    int code = run_command("timeout 300 " + shell_quote(stem.string()) + " " + shell_quote(stem.string() + ".jobs"), log);
    if (code == 0) return {};
    std::string text = read_text(log);
    std::smatch m;
    std::regex sanitizer("(ERROR: AddressSanitizer: [^\\n]*|runtime error: [^\\n]*)");
    if (std::regex_search(text, m, sanitizer)) return "sanitizer: " + first_line(m[1].str());
    return code == 124 ? "timed out" : "exit code " + std::to_string(code) + ": " + first_line(text);
  }

  void build_and_run() {
    std::vector<const Variant*> all;
    for (TestCase& t : tests_)
      if (t.status == Status::Pending)
        for (Variant& v : t.variants) {
          all.push_back(&v);
          owner_[&v] = &t;
        }
    std::vector<std::vector<const Variant*>> batches;
    for (size_t i = 0; i < all.size(); i += static_cast<size_t>(options_.batch))
      batches.emplace_back(all.begin() + static_cast<long>(i),
                           all.begin() + static_cast<long>(std::min(all.size(), i + static_cast<size_t>(options_.batch))));
    std::mutex mutex;
    parallel_for(batches.size(), [&](size_t b) {
      const auto& batch = batches[b];
      fs::path stem = options_.work / "host" / ("batch_" + std::to_string(b));
      std::vector<std::vector<const Variant*>> units{batch};
      if (!build(batch, stem).empty() || !execute(batch, stem).empty()) {
        units.clear();  // retry one variant at a time to find the culprit
        for (const Variant* v : batch) units.push_back({v});
      }
      for (size_t u = 0; u < units.size(); ++u) {
        fs::path unit_stem = units.size() == 1 && units[0].size() == batch.size() ? stem
                                                                                   : fs::path(stem.string() + "_" + std::to_string(u));
        std::string problem;
        if (unit_stem != stem) {
          std::string log = build(units[u], unit_stem);
          if (!log.empty()) {
            std::lock_guard<std::mutex> lock(mutex);
            fail(*owner_.at(units[u][0]), "build: " + first_error(log));
            continue;
          }
          problem = execute(units[u], unit_stem);
        }
        std::lock_guard<std::mutex> lock(mutex);
        for (const Variant* v : units[u]) {
          TestCase& t = *owner_.at(v);
          if (!problem.empty()) {
            fail(t, "run: " + problem);
            continue;
          }
          compare_outputs(t, *v);
        }
      }
    });
    for (TestCase& t : tests_)
      if (t.status == Status::Pending) t.status = Status::Pass;
  }

  static std::string first_error(const std::string& log) {
    std::smatch m;
    if (std::regex_search(log, m, std::regex("(error: [^\\n]*)"))) return first_line(m[1].str());
    return first_line(log);
  }

  void fail(TestCase& t, const std::string& reason) {
    if (t.status == Status::Fail) return;
    t.status = Status::Fail;
    t.reason = reason;
  }

  void compare_outputs(TestCase& t, const Variant& v) {
    for (size_t s : v.sets) {
      const DataSet& set = t.sets[s];
      if (set.outputs.size() != v.output_types.size()) {
        fail(t, "mismatch: model has " + std::to_string(v.output_types.size()) + " outputs, data " +
                    std::to_string(set.outputs.size()));
        return;
      }
      for (size_t k = 0; k < set.outputs.size(); ++k) {
        std::string problem = compare(set.outputs[k], v.output_types[k], v.output_shapes[k],
                                      v.dir / ("io_" + std::to_string(s)) / ("out_" + std::to_string(k) + ".bin"),
                                      v.output_quantization[k], options_);
        if (!problem.empty()) {
          fail(t, "mismatch: " + set.dir.filename().string() + " output " + std::to_string(k) + ": " + problem);
          return;
        }
      }
    }
  }

  // Every generated model must also compile for Cortex-M4 with -Werror.
  void build_cortex_m4() {
    std::vector<const Variant*> all;
    for (TestCase& t : tests_)
      if (t.status == Status::Pass)
        for (Variant& v : t.variants) all.push_back(&v);
    std::vector<std::vector<const Variant*>> batches;
    for (size_t i = 0; i < all.size(); i += static_cast<size_t>(options_.batch))
      batches.emplace_back(all.begin() + static_cast<long>(i),
                           all.begin() + static_cast<long>(std::min(all.size(), i + static_cast<size_t>(options_.batch))));
    std::mutex mutex;
    parallel_for(batches.size(), [&](size_t b) {
      auto compile_unit = [&](const std::vector<const Variant*>& unit, const fs::path& stem) {
        write_file(stem.string() + ".cpp", harness_source(unit, false, options_.io_in_arena));
        std::string cmd = options_.arm_cxx + " " + kArmFlags + " -I" + shell_quote((options_.work / "runtime").string()) + " -c " +
                          shell_quote(stem.string() + ".cpp") + " -o " + shell_quote(stem.string() + ".o");
        fs::path log = stem.string() + ".log";
        return run_command("timeout 600 " + cmd, log) == 0 ? std::string() : read_text(log);
      };
      fs::path stem = options_.work / "cortex-m4" / ("batch_" + std::to_string(b));
      if (compile_unit(batches[b], stem).empty()) return;
      for (size_t u = 0; u < batches[b].size(); ++u) {
        std::string log = compile_unit({batches[b][u]}, stem.string() + "_" + std::to_string(u));
        if (log.empty()) continue;
        std::lock_guard<std::mutex> lock(mutex);
        fail(*owner_.at(batches[b][u]), "cortex-m4 build: " + first_error(log));
      }
    });
  }

  int report(double seconds) {
    std::set<std::string> expected;
    if (!options_.expected.empty()) {
      std::ifstream in(options_.expected);
      if (!in) {
        std::cerr << "cannot read expected list " << options_.expected << "\n";
        return 2;
      }
      for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') expected.insert(line);
    }
    int passed = 0, failed = 0, unsupported = 0, bound = 0;
    std::vector<std::string> regressions, new_passes, pass_names;
    for (const TestCase& t : tests_) {
      std::string id = t.suite + "/" + t.name;
      switch (t.status) {
        case Status::Pass:
          ++passed;
          pass_names.push_back(id);
          std::cout << "PASS " << id << (t.bound_inputs ? " (inputs bound with --const-input)" : "") << "\n";
          if (!expected.empty() && !expected.count(id)) new_passes.push_back(id);
          break;
        case Status::Unsupported:
          ++unsupported;
          std::cout << "UNSUPPORTED(" << t.reason << ") " << id << "\n";
          break;
        default:
          ++failed;
          std::cout << "FAIL(" << t.reason << ") " << id << "\n";
          break;
      }
      if (t.status == Status::Pass && t.bound_inputs) ++bound;
      if (expected.count(id) && t.status != Status::Pass) regressions.push_back(id);
    }
    std::cout << passed << " passed, " << failed << " failed (" << unsupported << " unsupported; " << bound
              << " passed with inputs bound at compile time) in " << static_cast<int>(seconds) << " s\n";
    if (!options_.write_expected.empty()) {
      std::ofstream out(options_.write_expected);
      out << "# Tests expected to pass; the golden runner fails when one of them does not.\n";
      for (const auto& id : pass_names) out << id << "\n";
    }
    for (const auto& id : new_passes) std::cout << "note: " << id << " passes but is not in the expected list\n";
    if (!regressions.empty()) {
      std::cout << regressions.size() << " expected-pass tests did not pass:\n";
      for (const auto& id : regressions) std::cout << "  " << id << "\n";
      return 1;
    }
    return 0;
  }

  Options options_;
  std::vector<TestCase> tests_;
  std::map<const Variant*, TestCase*> owner_;
};

void usage() {
  std::cerr << "usage: mote-golden SUITE_DIR... [--expected FILE] [--write-expected FILE] [--work DIR]\n"
               "                   [--filter REGEX] [--jobs N] [--batch N] [--no-sanitize] [--cortex-m4]\n"
               "                   [--disable-pass NAME] [--io-in-arena] [--widen-weights] [--lsb-tolerance N] [--argmax-fallback]\n";
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--expected") options.expected = value();
    else if (a == "--write-expected") options.write_expected = value();
    else if (a == "--work") options.work = value();
    else if (a == "--filter") options.filter = value();
    else if (a == "--jobs") options.jobs = std::max(1, std::atoi(value().c_str()));
    else if (a == "--batch") options.batch = std::max(1, std::atoi(value().c_str()));
    else if (a == "--no-sanitize") options.sanitize = false;
    else if (a == "--cortex-m4") options.cortex_m4 = true;
    else if (a == "--disable-pass") options.disabled_passes.push_back(value());
    else if (a == "--io-in-arena") options.io_in_arena = true;
    else if (a == "--widen-weights") options.widen_weights = true;
    else if (a == "--lsb-tolerance") options.lsb_tolerance = std::max(0, std::atoi(value().c_str()));
    else if (a == "--argmax-fallback") options.argmax_fallback = true;
    else if (!a.empty() && a[0] == '-') {
      usage();
      return 2;
    } else options.suites.push_back(a);
  }
  if (options.suites.empty()) {
    usage();
    return 2;
  }
  options.work = fs::absolute(options.work);
  return Runner(options).run();
}
