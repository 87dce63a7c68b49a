// Constant tensor data (weights, folded values, bound inputs): dtype, shape and the raw
// little-endian element bytes, exactly as the emitted code will store them.
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ir/dtype.h"
#include "compiler/ir/shape.h"
#include "mote/base.h"

namespace mote {

// Maps an element type to its DType; used by typed accessors to check they match.
template <class T>
constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::Float32; }
template <> constexpr DType dtype_of<float16>() { return DType::Float16; }
template <> constexpr DType dtype_of<bfloat16>() { return DType::BFloat16; }
template <> constexpr DType dtype_of<double>() { return DType::Float64; }
template <> constexpr DType dtype_of<int8_t>() { return DType::Int8; }
template <> constexpr DType dtype_of<int16_t>() { return DType::Int16; }
template <> constexpr DType dtype_of<int32_t>() { return DType::Int32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::Int64; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::UInt8; }
template <> constexpr DType dtype_of<uint16_t>() { return DType::UInt16; }
template <> constexpr DType dtype_of<uint32_t>() { return DType::UInt32; }
template <> constexpr DType dtype_of<uint64_t>() { return DType::UInt64; }
template <> constexpr DType dtype_of<bool>() { return DType::Bool; }

class Tensor {
 public:
  // Zero-filled tensor.
  Tensor(DType dtype, Shape shape);
  Tensor(DType dtype, Shape shape, std::vector<uint8_t> bytes);

  template <class T>
  static Tensor from_values(Shape shape, const std::vector<T>& values) {
    Tensor t(dtype_of<T>(), std::move(shape));
    check_size(values.size() == static_cast<size_t>(t.numel()));
    T* out = reinterpret_cast<T*>(t.bytes_.data());
    for (size_t i = 0; i < values.size(); ++i) out[i] = values[i];  // also for std::vector<bool>
    return t;
  }
  template <class T>
  static Tensor scalar(T value) {
    return from_values<T>(Shape{}, std::vector<T>{value});
  }

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t numel() const { return numel_; }
  size_t byte_size() const { return bytes_.size(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  uint8_t* raw() { return bytes_.data(); }
  const uint8_t* raw() const { return bytes_.data(); }

  template <class T>
  const T* data() const {
    check_type(dtype_of<T>());
    return reinterpret_cast<const T*>(bytes_.data());
  }
  template <class T>
  T* data() {
    check_type(dtype_of<T>());
    return reinterpret_cast<T*>(bytes_.data());
  }

  // Element i converted to double / int64, for any dtype (shape arithmetic, printing).
  double as_double(int64_t i) const;
  int64_t as_int64(int64_t i) const;
  std::vector<int64_t> to_int64_vector() const;
  std::vector<double> to_double_vector() const;

  // Same bytes, another shape of equal element count.
  Tensor reshaped(Shape shape) const;
  // Elementwise conversion with the runtime's conversion rules.
  Tensor cast(DType to) const;
  bool same_contents(const Tensor& other) const;

 private:
  static void check_size(bool ok);
  void check_type(DType requested) const;

  DType dtype_;
  Shape shape_;
  int64_t numel_;
  std::vector<uint8_t> bytes_;
};

using TensorPtr = std::shared_ptr<const Tensor>;

}  // namespace mote
