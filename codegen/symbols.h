// The C/C++ names codegen gives to tensors, weights and parameter structs, chosen once so
// that the header, the source and the weights agree.
#pragma once

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "codegen/codegen.h"

namespace mote {

// Hands out unique identifiers derived from arbitrary tensor/node names.
class NameTable {
 public:
  explicit NameTable(std::set<std::string> reserved = {});
  std::string make(const std::string& prefix, const std::string& raw);

 private:
  std::set<std::string> used_;
};

std::string sanitize_identifier(const std::string& raw);
std::string upper(const std::string& s);

struct Weight {
  const Tensor* tensor;
  std::string symbol;  // inside namespace <name>_model
  std::string origin;  // tensor name, for the comment
};

struct Symbols {
  std::string ns;                                          // "<name>_model"
  std::vector<Weight> weights;                             // in first-use order
  std::unordered_map<const Tensor*, size_t> weight_index;  // tensor -> weights[i]
  std::unordered_map<const Value*, std::string> pointer;   // typed pointer of each runtime value
  std::vector<std::string> input_params, output_params;    // run() parameter names
  std::vector<std::string> io_macros_in, io_macros_out;    // header macro stems (KWS_INPUT, ...)
};

Symbols assign_symbols(const Graph& graph, const CodegenOptions& options);

}  // namespace mote
