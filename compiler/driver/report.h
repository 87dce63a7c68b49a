// The compile report: the numbers `mote compile` prints, as JSON for tools (--report FILE).
#pragma once

#include <string>

#include "compiler/driver/compile.h"

namespace mote {

std::string compile_report_json(const CompileOptions& options, const CompileResult& result);

}  // namespace mote
