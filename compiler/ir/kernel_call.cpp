#include "compiler/ir/kernel_call.h"

#include "compiler/ir/literals.h"

namespace mote {

std::string ParamPrinter::float_literal(float v) { return mote::float_literal(v); }
std::string ParamPrinter::double_literal(double v) { return mote::double_literal(v); }

}  // namespace mote
