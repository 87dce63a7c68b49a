// A pass rewrites the IR in place. Each pass is one file with one entry point; the pipeline
// (pipeline.cpp) lists them in order, as data.
#pragma once

#include <cstdint>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote {

// Options the passes read; filled from the command line.
struct PassOptions {
  // fold_constants keeps a node (computing it at run time) when folding would store more than
  // this many bytes of new constants and grow the weights.
  int64_t fold_growth_limit_bytes = 4096;
  // Arena alignment in bytes (every buffer offset is a multiple of it).
  int64_t arena_alignment = 16;
};

struct PassContext {
  PassOptions options;
  std::vector<std::string> notes;  // what passes report (shown with --verbose)
};

struct Pass {
  const char* name;
  const char* summary;
  void (*run)(Graph& graph, PassContext& context);
  bool optional;  // may be switched off with --disable-pass
};

}  // namespace mote
