// mote-bench-memory: the memory planner's results on the sample models, as a table, and the
// regression gate that fails when an arena grows.
//
//   mote-bench-memory [--baseline FILE [--write]] MODEL.onnx...
//
// For each model: the liveness lower bound of the file order without any sharing (what a
// planner that places every tensor separately cannot beat), the arena with no sharing, with
// views/concat/in-place sharing in file order, and with sharing after scheduling, plus the
// bound of the chosen schedule and the input/output bytes. With --baseline, every model's
// final arena is compared to the file's (model path relative to the file, then bytes); --write
// rewrites the file instead.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "compiler/driver/compile.h"
#include "compiler/ir/errors.h"

namespace fs = std::filesystem;
using namespace mote;

namespace {

struct Row {
  std::string model;
  int64_t bound_file_order = 0, arena_plain = 0, arena_shared = 0, bound_schedule = 0, arena_final = 0, io = 0;
  int64_t arena_io_inside = 0;  // --io-in-arena: all RAM, as TFLite Micro counts it
};

MemorySummary plan(const fs::path& model, bool share, bool schedule, bool io_in_arena = false) {
  CompileOptions options;
  options.model = model;
  options.passes.io_in_arena = io_in_arena;
  options.passes.alias_views = share;
  options.passes.in_place = share;
  if (!schedule) options.pipeline.disabled.insert("schedule");
  options.pipeline.stop_after = "plan_memory";
  return compile_model(options).graph->memory;
}

std::string label(const fs::path& model) { return model.parent_path().filename().string(); }

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> models;
  fs::path baseline;
  bool write = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--baseline" && i + 1 < argc) baseline = argv[++i];
    else if (arg == "--write") write = true;
    else models.emplace_back(arg);
  }
  if (models.empty()) {
    std::cerr << "usage: mote-bench-memory [--baseline FILE [--write]] MODEL.onnx...\n";
    return 2;
  }
  std::vector<Row> rows;
  try {
    for (const fs::path& model : models) {
      Row row;
      row.model = label(model);
      MemorySummary plain = plan(model, false, false), shared = plan(model, true, false), final = plan(model, true, true);
      row.bound_file_order = plain.bound_file_order;
      row.arena_plain = plain.arena_bytes;
      row.arena_shared = shared.arena_bytes;
      row.bound_schedule = final.bound_schedule;
      row.arena_final = final.arena_bytes;
      row.io = final.io_bytes;
      row.arena_io_inside = plan(model, true, true, true).arena_bytes;
      rows.push_back(row);
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }

  auto ratio = [](int64_t a, int64_t b) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(2) << (b ? static_cast<double>(a) / static_cast<double>(b) : 0.0);
    return s.str();
  };
  std::cout << "| model | bound, file order | arena, no sharing | arena, sharing | bound, schedule | arena, final | "
               "final / file bound | I/O bytes | RAM (arena + I/O) | RAM, I/O in the arena |\n"
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const Row& r : rows)
    std::cout << "| " << r.model << " | " << r.bound_file_order << " | " << r.arena_plain << " | " << r.arena_shared << " | "
              << r.bound_schedule << " | " << r.arena_final << " | " << ratio(r.arena_final, r.bound_file_order) << " | " << r.io
              << " | " << r.arena_final + r.io << " | " << r.arena_io_inside << " |\n";

  int failures = 0;
  for (const Row& r : rows)
    if (r.arena_final > r.bound_file_order) {
      std::cerr << "FAIL " << r.model << ": arena " << r.arena_final << " above the file-order bound " << r.bound_file_order << "\n";
      ++failures;
    }
  if (baseline.empty()) return failures ? 1 : 0;
  if (write) {
    std::ofstream out(baseline);
    out << "# Arena bytes per model; mote-bench-memory --baseline fails when one grows. Regenerate with --write.\n";
    for (const Row& r : rows) out << r.model << " " << r.arena_final << "\n";
    return out ? 0 : 1;
  }
  std::map<std::string, int64_t> expected;
  std::ifstream in(baseline);
  if (!in) {
    std::cerr << "cannot read the baseline " << baseline << "\n";
    return 2;
  }
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string model;
    int64_t bytes = 0;
    if (fields >> model >> bytes) expected[model] = bytes;
  }
  for (const Row& r : rows) {
    auto it = expected.find(r.model);
    if (it == expected.end()) {
      std::cerr << "FAIL " << r.model << ": not in the baseline (run with --write)\n";
      ++failures;
    } else if (r.arena_final > it->second) {
      std::cerr << "FAIL " << r.model << ": arena grew from " << it->second << " to " << r.arena_final << " bytes\n";
      ++failures;
    } else if (r.arena_final < it->second) {
      std::cerr << "note: " << r.model << ": arena shrank from " << it->second << " to " << r.arena_final
                << " bytes; lower the baseline with --write\n";
    }
  }
  return failures ? 1 : 0;
}
