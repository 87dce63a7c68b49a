#include "passes/memory_table.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "passes/memory_buffers.h"

namespace mote {

std::vector<PlacedTensor> arena_tensors(const Graph& graph) {
  const auto lifetimes = value_lifetimes(graph);
  std::vector<PlacedTensor> rows;
  for (const auto& node : graph.nodes())
    for (const Value* out : node->outputs)
      if (out && out->storage.kind == Storage::Kind::Arena) {
        const Lifetime& life = lifetimes.at(out);
        rows.push_back({out, node.get(), out->byte_size(), life.first, life.last});
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
