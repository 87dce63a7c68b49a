#include "compiler/ir/literals.h"

#include <cmath>
#include <cstdio>

#include "compiler/ir/dispatch.h"

namespace mote {
namespace {

std::string non_finite(double v) {
  if (std::isnan(v)) return std::signbit(v) ? "-NAN" : "NAN";
  return v > 0 ? "INFINITY" : "-INFINITY";
}

template <class T>
std::string integer_literal(T v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_same_v<T, int64_t>) {
    if (v == INT64_MIN) return "(-9223372036854775807LL - 1)";
    return std::to_string(v) + "LL";
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    return std::to_string(v) + "ULL";
  } else if constexpr (std::is_same_v<T, int32_t>) {
    if (v == INT32_MIN) return "(-2147483647 - 1)";
    return std::to_string(v);
  } else if constexpr (std::is_same_v<T, uint32_t>) {
    return std::to_string(v) + "u";
  } else {
    return std::to_string(static_cast<int>(v));
  }
}

std::string hex16(uint16_t bits) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "{0x%04x}", bits);
  return buffer;
}

}  // namespace

std::string float_literal(float v) {
  if (!std::isfinite(v)) return non_finite(v);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%af", static_cast<double>(v));
  return buffer;
}

std::string double_literal(double v) {
  if (!std::isfinite(v)) return non_finite(v);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%a", v);
  return buffer;
}

std::string element_literal(const Tensor& tensor, int64_t i) {
  return dispatch_dtype(tensor.dtype(), [&](auto tag) -> std::string {
    using T = typename decltype(tag)::type;
    T v = reinterpret_cast<const T*>(tensor.raw())[i];
    if constexpr (std::is_same_v<T, float>) return float_literal(v);
    else if constexpr (std::is_same_v<T, double>) return double_literal(v);
    else if constexpr (std::is_same_v<T, float16> || std::is_same_v<T, bfloat16>) return hex16(v.bits);
    else return integer_literal(v);
  });
}

}  // namespace mote
