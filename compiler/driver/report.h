// The compile report: what `mote compile` prints, per node and in total, as JSON for tools
// (--report FILE) and as one self-contained HTML page for people (--html FILE).
#pragma once

#include <string>
#include <vector>

#include "compiler/driver/compile.h"

namespace mote {

// One node of the compiled graph as the reports show it.
struct NodeReport {
  const Node* node = nullptr;
  int step = 0;               // position in the schedule, from 1 (the memory table's steps)
  int64_t macs = 0;
  int64_t weight_bytes = 0;   // its constant inputs
  std::vector<std::string> kernels;  // runtime-min functions called (elided copies left out)
  // The first output: where it lives and when (arena only; offset -1 otherwise).
  int64_t arena_offset = -1;
  int first_step = 0, last_step = 0;
};

struct ReportTotals {
  int64_t macs = 0;
  size_t kernel_calls = 0;  // not counting elided copies
};

std::vector<NodeReport> node_reports(const Graph& graph);
ReportTotals report_totals(const std::vector<NodeReport>& nodes);

std::string compile_report_json(const CompileOptions& options, const CompileResult& result);
std::string compile_report_html(const CompileOptions& options, const CompileResult& result);

// Escapes text for a JSON string literal, quotes included.
std::string json_quoted(const std::string& text);

// 1234567 -> "1,234,567", for tables people read.
std::string grouped_digits(int64_t n);

}  // namespace mote
