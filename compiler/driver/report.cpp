#include "compiler/driver/report.h"

#include <sstream>

#include "compiler/ops/op_def.h"
#include "passes/memory_table.h"

namespace mote {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

const char* storage_name(Storage::Kind kind) {
  switch (kind) {
    case Storage::Kind::Arena: return "arena";
    case Storage::Kind::Input: return "input";
    case Storage::Kind::Output: return "output";
    case Storage::Kind::None: break;
  }
  return "none";
}

}  // namespace

std::string compile_report_json(const CompileOptions& options, const CompileResult& result) {
  const Graph& g = *result.graph;
  const MemorySummary& m = g.memory;
  size_t kernels = 0, elided = 0;
  int64_t macs = 0;
  for (const auto& node : g.nodes()) {
    macs += multiply_accumulates(*node);
    for (const KernelCall& call : node->kernels) {
      ++kernels;
      elided += call.elided;
    }
  }
  std::ostringstream s;
  s << "{\n  \"model\": " << quoted(options.model.string()) << ",\n  \"name\": " << quoted(options.name) << ",\n";
  s << "  \"nodes_imported\": " << result.nodes_imported << ",\n  \"nodes\": " << g.nodes().size() << ",\n";
  s << "  \"kernel_calls\": " << kernels - elided << ",\n  \"macs\": " << macs << ",\n  \"weights_bytes\": " << result.code.weights_bytes << ",\n";
  s << "  \"memory\": {\n    \"arena_bytes\": " << m.arena_bytes << ",\n    \"io_bytes\": " << m.io_bytes
    << ",\n    \"ram_bytes\": " << m.arena_bytes + m.io_bytes << ",\n    \"bound_schedule\": " << m.bound_schedule
    << ",\n    \"bound_file_order\": " << m.bound_file_order << ",\n    \"planner\": " << quoted(m.planner)
    << ",\n    \"aliased_values\": " << m.aliased_values << ",\n    \"elided_copies\": " << m.elided_copies << "\n  },\n";
  s << "  \"tensors\": [";
  bool first = true;
  for (const auto& node : g.nodes())
    for (const Value* out : node->outputs) {
      if (!out) continue;
      s << (first ? "\n" : ",\n") << "    {\"name\": " << quoted(out->name) << ", \"op\": " << quoted(node->op_name())
        << ", \"node\": " << quoted(node->label()) << ", \"dtype\": " << quoted(std::string(dtype_name(out->dtype)))
        << ", \"shape\": " << quoted(out->shape.to_string()) << ", \"bytes\": " << out->byte_size()
        << ", \"storage\": " << quoted(storage_name(out->storage.kind)) << ", \"offset\": " << out->storage.offset << "}";
      first = false;
    }
  s << "\n  ],\n  \"arena_lifetimes\": [";
  first = true;
  for (const PlacedTensor& row : arena_tensors(g)) {
    s << (first ? "\n" : ",\n") << "    {\"name\": " << quoted(row.value->name) << ", \"offset\": " << row.value->storage.offset
      << ", \"bytes\": " << row.bytes << ", \"first_step\": " << row.first << ", \"last_step\": " << row.last << "}";
    first = false;
  }
  s << "\n  ]\n}\n";
  return s.str();
}

}  // namespace mote
