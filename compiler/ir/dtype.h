// Element types of Mote's IR. Every tensor has exactly one; names match ONNX's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mote {

enum class DType : uint8_t {
  Float32,
  Float16,
  BFloat16,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  Bool,
};

inline constexpr int kDTypeCount = 13;

size_t dtype_size(DType t);
std::string_view dtype_name(DType t);          // "float32", "int8", ...
std::string_view dtype_cpp_name(DType t);      // C++ element type in emitted code
std::optional<DType> dtype_from_onnx(int onnx_elem_type);
int dtype_to_onnx(DType t);
std::optional<DType> dtype_from_name(std::string_view name);

bool is_float(DType t);     // float32/16, bfloat16, float64
bool is_integer(DType t);   // signed or unsigned integers (not bool)
bool is_signed_integer(DType t);
bool is_unsigned_integer(DType t);

// A set of dtypes, used by shape rules to state what an op accepts.
class DTypeSet {
 public:
  constexpr DTypeSet() = default;
  constexpr DTypeSet(std::initializer_list<DType> types) {
    for (DType t : types) bits_ |= bit(t);
  }
  constexpr bool contains(DType t) const { return (bits_ & bit(t)) != 0; }
  constexpr DTypeSet operator|(DTypeSet other) const { return from_bits(bits_ | other.bits_); }
  constexpr bool empty() const { return bits_ == 0; }

 private:
  static constexpr uint32_t bit(DType t) { return 1u << static_cast<uint32_t>(t); }
  static constexpr DTypeSet from_bits(uint32_t bits) {
    DTypeSet s;
    s.bits_ = bits;
    return s;
  }
  uint32_t bits_ = 0;
};

namespace dtypes {
inline constexpr DTypeSet kFloat{DType::Float32, DType::Float16, DType::BFloat16, DType::Float64};
inline constexpr DTypeSet kSignedInt{DType::Int8, DType::Int16, DType::Int32, DType::Int64};
inline constexpr DTypeSet kUnsignedInt{DType::UInt8, DType::UInt16, DType::UInt32, DType::UInt64};
inline constexpr DTypeSet kInt = kSignedInt | kUnsignedInt;
inline constexpr DTypeSet kNumeric = kFloat | kInt;
inline constexpr DTypeSet kSignedNumeric = kFloat | kSignedInt;
inline constexpr DTypeSet kAll = kNumeric | DTypeSet{DType::Bool};
inline constexpr DTypeSet kIndex{DType::Int32, DType::Int64};
}  // namespace dtypes

}  // namespace mote
