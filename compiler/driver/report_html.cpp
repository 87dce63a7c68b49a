// The HTML report: one self-contained page (inline CSS and SVG, no script, no network) with
// the totals, an arena timeline, the flash taken by each node's weights and a row per node.
#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "compiler/driver/report.h"
#include "passes/memory_table.h"

namespace mote {
namespace {

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A stable colour per op type, so one op looks the same in every chart.
std::string op_colour(const std::string& op) {
  uint32_t hash = 2166136261u;
  for (char c : op) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  return fmt::format("hsl({}, 60%, 62%)", hash % 360);
}


// Tensors as boxes: x is the schedule (the steps that write and read them), y the arena offset.
std::string arena_timeline_svg(const Graph& graph) {
  const std::vector<PlacedTensor> rows = arena_tensors(graph);
  const int64_t arena = std::max<int64_t>(graph.arena_bytes, 1);
  int steps = static_cast<int>(graph.nodes().size()) + 1;
  for (const PlacedTensor& r : rows) steps = std::max(steps, r.last);
  const double left = 70, top = 10, width = 820, height = 320;
  auto x = [&](double step) { return left + (step - 1) * width / steps; };
  auto y = [&](double offset) { return top + offset * height / static_cast<double>(arena); };
  std::ostringstream s;
  s << fmt::format("<svg role=\"img\" aria-label=\"arena timeline\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">\n", left + width + 10,
                   top + height + 40, left + width + 10, top + height + 40);
  s << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"frame\"/>\n", left, top, width, height);
  for (const PlacedTensor& r : rows) {
    const std::string op = r.producer->op_name();
    s << fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" class=\"tensor\"><title>{} ({}): {} bytes at offset {}, steps {}-{}</title></rect>\n",
                     x(r.first), y(static_cast<double>(r.value->storage.offset)), std::max(1.0, x(r.last + 1) - x(r.first)),
                     std::max(1.0, y(static_cast<double>(r.value->storage.offset + r.bytes)) - y(static_cast<double>(r.value->storage.offset))),
                     op_colour(op), escaped(r.value->name), escaped(op), grouped_digits(r.bytes), grouped_digits(r.value->storage.offset), r.first, r.last);
  }
  s << fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">0</text>\n", left - 6, top + 10);
  s << fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{}</text>\n", left - 6, top + height, grouped_digits(graph.arena_bytes));
  s << fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\">step 1</text>\n", left, top + height + 16);
  s << fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">step {}</text>\n", left + width, top + height + 16, steps);
  s << fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">schedule (node steps) &#8594;; arena offset (bytes) &#8595;</text>\n",
                   left + width / 2, top + height + 34);
  s << "</svg>\n";
  return s.str();
}

// Horizontal bars: the nodes holding the most weight bytes, the rest summed.
std::string flash_breakdown_svg(const std::vector<NodeReport>& nodes, int64_t total) {
  std::vector<const NodeReport*> holders;
  for (const NodeReport& r : nodes)
    if (r.weight_bytes > 0) holders.push_back(&r);
  std::stable_sort(holders.begin(), holders.end(), [](const NodeReport* a, const NodeReport* b) { return a->weight_bytes > b->weight_bytes; });
  const size_t shown = std::min<size_t>(holders.size(), 16);
  int64_t rest = 0;
  for (size_t i = shown; i < holders.size(); ++i) rest += holders[i]->weight_bytes;
  const int64_t largest = holders.empty() ? 1 : holders.front()->weight_bytes;
  const double label = 300, width = 480, bar = 18;
  const size_t rows = shown + (rest > 0 ? 1 : 0);
  std::ostringstream s;
  s << fmt::format("<svg role=\"img\" aria-label=\"flash by node\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">\n", label + width + 120,
                   rows * (bar + 4) + 4, label + width + 120, rows * (bar + 4) + 4);
  auto row = [&](size_t i, const std::string& name, const std::string& op, int64_t bytes) {
    const double y = 4 + static_cast<double>(i) * (bar + 4);
    const double w = std::max(1.0, width * static_cast<double>(bytes) / static_cast<double>(largest));
    const std::string shown_name = name.size() > 44 ? name.substr(0, 41) + "..." : name;
    s << fmt::format("<text x=\"{}\" y=\"{}\" class=\"label\" text-anchor=\"end\">{}</text>\n", label - 6, y + 13, escaped(shown_name));
    s << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"><title>{}: {} bytes</title></rect>\n", label, y,
                     std::min(w, width), bar, op.empty() ? std::string("#bbb") : op_colour(op), escaped(name), grouped_digits(bytes));
    s << fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"label\">{} B ({:.1f}%)</text>\n", label + std::min(w, width) + 6, y + 13, grouped_digits(bytes),
                     total > 0 ? 100.0 * static_cast<double>(bytes) / static_cast<double>(total) : 0.0);
  };
  for (size_t i = 0; i < shown; ++i) row(i, holders[i]->node->label() + " (" + holders[i]->node->op_name() + ")", holders[i]->node->op_name(), holders[i]->weight_bytes);
  if (rest > 0) row(shown, fmt::format("{} other nodes", holders.size() - shown), "", rest);
  s << "</svg>\n";
  return s.str();
}

const char* kStyle = R"(body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; } td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.frame { fill: #f6f6f6; stroke: #999; } .tensor { stroke: #333; stroke-width: 0.5; }
.axis, .label { font-size: 12px; fill: #333; } .muted { color: #666; }
code { font-size: 12px; })";

}  // namespace

std::string compile_report_html(const CompileOptions& options, const CompileResult& result) {
  const Graph& g = *result.graph;
  const MemorySummary& m = g.memory;
  const std::vector<NodeReport> nodes = node_reports(g);
  const ReportTotals totals = report_totals(nodes);
  std::ostringstream s;
  s << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Mote report: " << escaped(options.name)
    << "</title>\n<style>\n" << kStyle << "\n</style>\n</head>\n<body>\n";
  s << "<h1>" << escaped(options.name) << "</h1>\n<p class=\"muted\">" << escaped(options.model.string()) << ", compiled by mote "
    << MOTE_VERSION << "</p>\n";
  auto total = [&](const std::string& what, const std::string& value, const std::string& note) {
    s << "<tr><th>" << what << "</th><td class=\"n\">" << value << "</td><td class=\"muted\">" << note << "</td></tr>\n";
  };
  s << "<h2>Totals</h2>\n<table>\n";
  total("nodes", fmt::format("{} &#8594; {}", result.nodes_imported, g.nodes().size()), "imported, after optimisation");
  total("kernel calls", grouped_digits(static_cast<int64_t>(totals.kernel_calls)), fmt::format("{} copies elided", m.elided_copies));
  total("MACs", grouped_digits(totals.macs), "multiply-accumulates per inference (convolutions and products)");
  total("arena", grouped_digits(m.arena_bytes) + " B", fmt::format("planner {}; liveness bound {} B; {} tensors share memory", escaped(m.planner),
                                                            grouped_digits(m.bound_schedule), m.aliased_values));
  total("input/output", grouped_digits(m.io_bytes) + " B", "the caller's buffers");
  total("RAM", grouped_digits(m.arena_bytes + m.io_bytes) + " B", "arena + input/output");
  total("flash: weights", grouped_digits(result.code.weights_bytes) + " B", "constant data; the code is measured by the target's size tool");
  s << "</table>\n";

  s << "<h2>Arena timeline</h2>\n<p class=\"muted\">Each box is a tensor in the arena: from the step that writes it to the last "
       "step that reads it, at its offset. Hover for names.</p>\n"
    << arena_timeline_svg(g);
  s << "<h2>Flash: weights by node</h2>\n" << flash_breakdown_svg(nodes, result.code.weights_bytes);

  s << "<h2>Nodes</h2>\n<table>\n<tr><th class=\"n\">step</th><th>node</th><th>op</th><th>output</th><th class=\"n\">MACs</th>"
       "<th class=\"n\">weights (B)</th><th>kernels</th><th class=\"n\">arena offset</th><th>lifetime</th></tr>\n";
  for (const NodeReport& r : nodes) {
    const Value* out = r.node->outputs.empty() ? nullptr : r.node->outputs[0];
    std::string kernels;
    for (const std::string& k : r.kernels) kernels += (kernels.empty() ? "" : "<br>") + ("<code>" + escaped(k) + "</code>");
    s << "<tr><td class=\"n\">" << r.step << "</td><td>" << escaped(r.node->label()) << "</td><td>" << escaped(r.node->op_name()) << "</td><td>"
      << (out ? escaped(std::string(dtype_name(out->dtype)) + " " + out->shape.to_string()) : std::string()) << "</td><td class=\"n\">"
      << grouped_digits(r.macs) << "</td><td class=\"n\">" << grouped_digits(r.weight_bytes) << "</td><td>" << (kernels.empty() ? "(view)" : kernels)
      << "</td><td class=\"n\">" << (r.arena_offset >= 0 ? grouped_digits(r.arena_offset) : std::string("-")) << "</td><td>"
      << (r.arena_offset >= 0 ? fmt::format("{}-{}", r.first_step, r.last_step) : std::string("-")) << "</td></tr>\n";
  }
  s << "</table>\n</body>\n</html>\n";
  return s.str();
}

}  // namespace mote
