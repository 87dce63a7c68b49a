#include "codegen/codegen.h"

#include "codegen/emitters.h"
#include "compiler/ir/errors.h"

namespace mote {

GeneratedCode generate_code(const Graph& graph, const CodegenOptions& options) {
  if (!is_c_identifier(options.name))
    throw UserError(ErrorKind::Usage, "--name '" + options.name + "' is not a usable C identifier");
  for (const auto& node : graph.nodes())
    MOTE_CHECK(!node->kernels.empty(), "codegen: node '" + node->label() + "' was not lowered");
  Symbols symbols = assign_symbols(graph, options);
  GeneratedCode code;
  for (const Weight& w : symbols.weights) {
    code.weights.push_back({w.origin, static_cast<int64_t>(w.tensor->byte_size())});
    code.weights_bytes += code.weights.back().bytes;
  }
  code.arena_bytes = graph.arena_bytes;

  std::set<std::string> headers;
  for (const auto& node : graph.nodes())
    for (const KernelCall& call : node->kernels) headers.insert(call.header);

  code.files.push_back({options.name + ".h", emit_header(graph, options, symbols, code.weights_bytes)});
  code.files.push_back({options.name + ".cpp", emit_source(graph, options, symbols, headers)});
  code.files.push_back({options.name + "_weights.h", emit_weights_header(options, symbols)});
  code.files.push_back({options.name + "_weights.cpp", emit_weights_source(options, symbols)});
  std::set<std::string> runtime_roots = headers;
  runtime_roots.insert("mote/elementwise.h");  // the output copies may use it
  for (GeneratedFile& f : runtime_files(runtime_roots)) code.files.push_back(std::move(f));
  return code;
}

}  // namespace mote
