#include "compiler/ir/kernel_call.h"

#include "compiler/ir/literals.h"

namespace mote {

std::string ParamPrinter::float_literal(float v) { return mote::float_literal(v); }
std::string ParamPrinter::double_literal(double v) { return mote::double_literal(v); }

std::string format_params(const std::vector<ParamField>& fields) {
  std::string out = "{";
  for (size_t i = 0; i < fields.size(); ++i) {
    const ParamField& f = fields[i];
    out += (i ? ", " : "") + std::string("/*") + f.name + "*/ ";
    if (!f.is_array) {
      out += f.values.front();
      continue;
    }
    size_t used = f.values.size();
    while (used > 0 && (f.values[used - 1] == "0" || f.values[used - 1] == "0x0p+0f")) --used;
    out += "{";
    for (size_t k = 0; k < used; ++k) out += (k ? ", " : "") + f.values[k];
    out += "}";
  }
  return out + "}";
}

}  // namespace mote
