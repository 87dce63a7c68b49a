// Calls a generic lambda with the C++ element type of a runtime DType, so host code (tensor
// helpers, the evaluator, kernel bindings) can instantiate templates for the right type.
#pragma once

#include "compiler/ir/errors.h"
#include "compiler/ir/tensor.h"

namespace mote {

template <class T>
struct TypeTag {
  using type = T;
};

template <class F>
decltype(auto) dispatch_dtype(DType dtype, F&& f) {
  switch (dtype) {
    case DType::Float32: return f(TypeTag<float>{});
    case DType::Float16: return f(TypeTag<float16>{});
    case DType::BFloat16: return f(TypeTag<bfloat16>{});
    case DType::Float64: return f(TypeTag<double>{});
    case DType::Int8: return f(TypeTag<int8_t>{});
    case DType::Int16: return f(TypeTag<int16_t>{});
    case DType::Int32: return f(TypeTag<int32_t>{});
    case DType::Int64: return f(TypeTag<int64_t>{});
    case DType::UInt8: return f(TypeTag<uint8_t>{});
    case DType::UInt16: return f(TypeTag<uint16_t>{});
    case DType::UInt32: return f(TypeTag<uint32_t>{});
    case DType::UInt64: return f(TypeTag<uint64_t>{});
    case DType::Bool: return f(TypeTag<bool>{});
  }
  throw_internal("dispatch_dtype: bad dtype");
}

}  // namespace mote
