// The pieces of codegen, one file each; codegen.cpp puts them together.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "codegen/codegen.h"
#include "codegen/symbols.h"

namespace mote {

std::string emit_header(const Graph& graph, const CodegenOptions& options, const Symbols& symbols,
                        int64_t weights_bytes);
std::string emit_source(const Graph& graph, const CodegenOptions& options, const Symbols& symbols,
                        const std::set<std::string>& runtime_headers);
std::string emit_weights_header(const CodegenOptions& options, const Symbols& symbols);
std::string emit_weights_source(const CodegenOptions& options, const Symbols& symbols);

// The runtime-min headers `roots` include, with everything they include in turn.
std::vector<GeneratedFile> runtime_files(const std::set<std::string>& roots);

// "int <name>_run(const float* input, float* output)"
std::string run_signature(const Graph& graph, const CodegenOptions& options, const Symbols& symbols);

// C++ spelling of a dtype in the C API (half types travel as their 16-bit patterns).
std::string c_api_type(DType dtype);

}  // namespace mote
