// Turns a lowered, planned graph into C++ sources: <name>.h (the C API), <name>.cpp (the run
// function), <name>_weights.h/.cpp (constants, in flash) and the runtime-min headers used.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote {

struct CodegenOptions {
  std::string name;          // C identifier; prefixes every public symbol
  std::string model_file;    // shown in the generated comments
  bool arena_extern = false; // the caller passes the arena to <name>_run
  int64_t arena_alignment = 16;
  bool io_in_arena = false;  // inputs/outputs in the arena: NAME_input()/NAME_output() pointers
};

struct GeneratedFile {
  std::string path;  // relative to the output folder
  std::string contents;
};

// One constant in <name>_weights.cpp, for size reports and the flash budget.
struct WeightSize {
  std::string tensor;  // the model's tensor name
  int64_t bytes = 0;
};

struct GeneratedCode {
  std::vector<GeneratedFile> files;
  std::vector<WeightSize> weights;  // in first-use order
  int64_t weights_bytes = 0;
  int64_t arena_bytes = 0;
};

GeneratedCode generate_code(const Graph& graph, const CodegenOptions& options);

// True for a valid C identifier that is not a keyword.
bool is_c_identifier(const std::string& name);

}  // namespace mote
