#include "passes/memory_table.h"

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <unordered_map>

namespace mote {

std::vector<PlacedTensor> arena_tensors(const Graph& graph) {
  const auto& nodes = graph.nodes();
  std::unordered_map<const Value*, size_t> row_of;
  std::vector<PlacedTensor> rows;
  for (size_t s = 0; s < nodes.size(); ++s) {
    const int step = static_cast<int>(s) + 1;
    for (const Value* in : nodes[s]->inputs) {
      auto it = in ? row_of.find(in) : row_of.end();
      if (it != row_of.end()) rows[it->second].last = step;
    }
    for (const Value* out : nodes[s]->outputs) {
      if (!out || out->storage.kind != Storage::Kind::Arena) continue;
      row_of[out] = rows.size();
      rows.push_back({out, nodes[s].get(), out->byte_size(), step, step});
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const PlacedTensor& a, const PlacedTensor& b) { return a.bytes > b.bytes; });
  return rows;
}

std::string format_tensor_table(const std::vector<PlacedTensor>& rows) {
  auto clip = [](const std::string& s, size_t width) { return s.size() > width ? s.substr(0, width - 3) + "..." : s; };
  std::ostringstream s;
  s << "  " << std::left << std::setw(36) << "tensor" << std::setw(18) << "op" << std::right << std::setw(10) << "bytes"
    << std::setw(10) << "offset" << "  steps\n";
  for (const PlacedTensor& row : rows)
    s << "  " << std::left << std::setw(36) << clip(row.value->name, 35) << std::setw(18) << clip(row.producer->op_name(), 17)
      << std::right << std::setw(10) << row.bytes << std::setw(10) << row.value->storage.offset << "  " << row.first << "-"
      << row.last << "\n";
  return s.str();
}

}  // namespace mote
