// Flash of the generated code as the target's compiler makes it, for `mote report`: a
// measurement where the compiler is installed, instead of an estimate.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "codegen/codegen.h"
#include "compiler/driver/targets.h"

namespace mote {

struct CodeSize {
  int64_t text = 0;  // code and constants (the weights are constants)
  int64_t data = 0;  // initialised RAM, whose image is in flash too
  std::string how;   // the compiler command, for the report
};

// Compiles each generated source to an object with the target's compiler and flags (-O2 unless
// the flags choose a level; function and data sections; no exceptions or RTTI) in a temporary
// folder and adds up what `<compiler prefix>size` reports. Before linking: the C library
// functions the code calls (expf, for instance) are not included. nullopt when the compiler or
// its size tool is not on PATH; throws InternalError when the generated code does not compile.
std::optional<CodeSize> measure_code_size(const GeneratedCode& code, const TargetDescription& target);

}  // namespace mote
