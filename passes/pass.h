// A pass rewrites the IR in place. Each pass is one file with one entry point; the pipeline
// (pipeline.cpp) lists them in order, as data.
#pragma once

#include <cstdint>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/ops/lowering_options.h"

namespace mote {

// Options the passes read; filled from the command line.
struct PassOptions {
  // fold_constants keeps a node (computing it at run time) when folding would store more than
  // this many bytes of new constants and grow the weights.
  int64_t fold_growth_limit_bytes = 4096;
  // Arena alignment in bytes (every buffer offset is a multiple of it).
  int64_t arena_alignment = 16;
  // Memory planning: let views, split outputs, slices and concat inputs share bytes, let ops
  // run in place, how many placements the search may try, and the RAM budget (0: none).
  bool alias_views = true;
  bool in_place = true;
  int64_t planner_search_budget = 20000;
  int64_t max_ram_bytes = 0;
  // Kernels with faster forms that need more scratch (qconv_s8's pixel blocks) get them when
  // there is a RAM budget and the arena then stays within it; otherwise, or with this set, only
  // as far as the smallest arena leaves room.
  bool smallest_arena = false;
  // Graph inputs and outputs live in the arena too (the caller writes inputs there and reads
  // outputs from there); they can then share bytes with intermediates, as in TFLite Micro.
  bool io_in_arena = false;
  // --io int8 / int16: graph inputs and outputs become their quantized tensors of that many
  // bits (quantized_io); 0 keeps them float.
  int quantized_io_bits = 0;
  // Scheduling: states the exact search may visit before falling back to the greedy order.
  int64_t schedule_max_states = 200000;
  // Kernel choices (--widen-weights).
  LoweringOptions lowering;
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
