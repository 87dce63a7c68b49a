#include "compiler/driver/report.h"

#include <map>
#include <sstream>

#include "compiler/ops/op_def.h"
#include "passes/memory_table.h"

namespace mote {
namespace {

const char* storage_name(Storage::Kind kind) {
  switch (kind) {
    case Storage::Kind::Arena: return "arena";
    case Storage::Kind::Input: return "input";
    case Storage::Kind::Output: return "output";
    case Storage::Kind::None: break;
  }
  return "none";
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + json_quoted(items[i]);
  return out + "]";
}

}  // namespace

std::string json_quoted(const std::string& text) {
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

std::string grouped_digits(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::vector<NodeReport> node_reports(const Graph& graph) {
  std::map<const Value*, const PlacedTensor*> placed;
  const std::vector<PlacedTensor> arena = arena_tensors(graph);
  for (const PlacedTensor& row : arena) placed[row.value] = &row;
  std::vector<NodeReport> rows;
  int step = 0;
  for (const auto& node : graph.nodes()) {
    NodeReport r;
    r.node = node.get();
    r.step = ++step;
    r.macs = multiply_accumulates(*node);
    for (const Value* in : node->inputs)
      if (in && in->is_constant()) r.weight_bytes += in->byte_size();
    for (const KernelCall& call : node->kernels)
      if (!call.elided) r.kernels.push_back(call.function);
    const Value* out = node->outputs.empty() ? nullptr : node->outputs[0];
    auto it = out ? placed.find(out) : placed.end();
    if (it != placed.end()) {
      r.arena_offset = out->storage.offset;
      r.first_step = it->second->first;
      r.last_step = it->second->last;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

ReportTotals report_totals(const std::vector<NodeReport>& nodes) {
  ReportTotals t;
  for (const NodeReport& r : nodes) {
    t.macs += r.macs;
    t.kernel_calls += r.kernels.size();
  }
  return t;
}

std::string compile_report_json(const CompileOptions& options, const CompileResult& result) {
  const Graph& g = *result.graph;
  const MemorySummary& m = g.memory;
  const std::vector<NodeReport> nodes = node_reports(g);
  const ReportTotals totals = report_totals(nodes);
  std::ostringstream s;
  s << "{\n  \"model\": " << json_quoted(options.model.string()) << ",\n  \"name\": " << json_quoted(options.name) << ",\n";
  s << "  \"nodes_imported\": " << result.nodes_imported << ",\n  \"nodes\": " << g.nodes().size() << ",\n";
  s << "  \"kernel_calls\": " << totals.kernel_calls << ",\n  \"macs\": " << totals.macs << ",\n  \"weights_bytes\": " << result.code.weights_bytes
    << ",\n";
  s << "  \"memory\": {\n    \"arena_bytes\": " << m.arena_bytes << ",\n    \"smallest_arena_bytes\": " << m.smallest_arena_bytes
    << ",\n    \"io_bytes\": " << m.io_bytes
    << ",\n    \"ram_bytes\": " << m.arena_bytes + m.io_bytes << ",\n    \"bound_schedule\": " << m.bound_schedule
    << ",\n    \"bound_file_order\": " << m.bound_file_order << ",\n    \"planner\": " << json_quoted(m.planner)
    << ",\n    \"aliased_values\": " << m.aliased_values << ",\n    \"elided_copies\": " << m.elided_copies << "\n  },\n";
  s << "  \"node_list\": [";
  for (size_t i = 0; i < nodes.size(); ++i) {
    const NodeReport& r = nodes[i];
    std::vector<std::string> input_shapes;
    for (const Value* in : r.node->inputs) input_shapes.push_back(in ? in->shape.to_string() : "");
    s << (i ? ",\n" : "\n") << "    {\"step\": " << r.step << ", \"node\": " << json_quoted(r.node->label()) << ", \"op\": " << json_quoted(r.node->op_name())
      << ", \"input_shapes\": " << json_list(input_shapes) << ", \"macs\": " << r.macs << ", \"weight_bytes\": " << r.weight_bytes
      << ", \"kernels\": " << json_list(r.kernels) << ", \"arena_offset\": " << r.arena_offset << ", \"first_step\": " << r.first_step
      << ", \"last_step\": " << r.last_step << "}";
  }
  s << "\n  ],\n  \"tensors\": [";
  bool first = true;
  for (const auto& node : g.nodes())
    for (const Value* out : node->outputs) {
      if (!out) continue;
      s << (first ? "\n" : ",\n") << "    {\"name\": " << json_quoted(out->name) << ", \"op\": " << json_quoted(node->op_name())
        << ", \"node\": " << json_quoted(node->label()) << ", \"dtype\": " << json_quoted(std::string(dtype_name(out->dtype)))
        << ", \"shape\": " << json_quoted(out->shape.to_string()) << ", \"bytes\": " << out->byte_size()
        << ", \"storage\": " << json_quoted(storage_name(out->storage.kind)) << ", \"offset\": " << out->storage.offset << "}";
      first = false;
    }
  s << "\n  ],\n  \"arena_lifetimes\": [";
  first = true;
  for (const PlacedTensor& row : arena_tensors(g)) {
    s << (first ? "\n" : ",\n") << "    {\"name\": " << json_quoted(row.value->name) << ", \"offset\": " << row.value->storage.offset
      << ", \"bytes\": " << row.bytes << ", \"first_step\": " << row.first << ", \"last_step\": " << row.last << "}";
    first = false;
  }
  s << "\n  ]\n}\n";
  return s.str();
}

}  // namespace mote
