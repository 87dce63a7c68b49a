#include "compiler/ir/dtype.h"

namespace mote {
namespace {

struct DTypeInfo {
  DType type;
  size_t size;
  std::string_view name;
  std::string_view cpp_name;
  int onnx;
};

// ONNX TensorProto.DataType numbers: FLOAT=1 UINT8=2 INT8=3 UINT16=4 INT16=5 INT32=6 INT64=7
// BOOL=9 FLOAT16=10 DOUBLE=11 UINT32=12 UINT64=13 BFLOAT16=16.
constexpr DTypeInfo kInfo[kDTypeCount] = {
    {DType::Float32, 4, "float32", "float", 1},
    {DType::Float16, 2, "float16", "mote::float16", 10},
    {DType::BFloat16, 2, "bfloat16", "mote::bfloat16", 16},
    {DType::Float64, 8, "float64", "double", 11},
    {DType::Int8, 1, "int8", "int8_t", 3},
    {DType::Int16, 2, "int16", "int16_t", 5},
    {DType::Int32, 4, "int32", "int32_t", 6},
    {DType::Int64, 8, "int64", "int64_t", 7},
    {DType::UInt8, 1, "uint8", "uint8_t", 2},
    {DType::UInt16, 2, "uint16", "uint16_t", 4},
    {DType::UInt32, 4, "uint32", "uint32_t", 12},
    {DType::UInt64, 8, "uint64", "uint64_t", 13},
    {DType::Bool, 1, "bool", "bool", 9},
};

const DTypeInfo& info(DType t) { return kInfo[static_cast<int>(t)]; }

}  // namespace

size_t dtype_size(DType t) { return info(t).size; }
std::string_view dtype_name(DType t) { return info(t).name; }
std::string_view dtype_cpp_name(DType t) { return info(t).cpp_name; }
int dtype_to_onnx(DType t) { return info(t).onnx; }

std::optional<DType> dtype_from_onnx(int onnx_elem_type) {
  for (const DTypeInfo& i : kInfo)
    if (i.onnx == onnx_elem_type) return i.type;
  return std::nullopt;
}

std::optional<DType> dtype_from_name(std::string_view name) {
  for (const DTypeInfo& i : kInfo)
    if (i.name == name) return i.type;
  return std::nullopt;
}

bool is_float(DType t) { return dtypes::kFloat.contains(t); }
bool is_integer(DType t) { return dtypes::kInt.contains(t); }
bool is_signed_integer(DType t) { return dtypes::kSignedInt.contains(t); }
bool is_unsigned_integer(DType t) { return dtypes::kUnsignedInt.contains(t); }

}  // namespace mote
