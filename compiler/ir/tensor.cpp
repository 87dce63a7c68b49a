#include "compiler/ir/tensor.h"

#include "compiler/ir/dispatch.h"
#include "compiler/ir/errors.h"

namespace mote {

Tensor::Tensor(DType dtype, Shape shape)
    : dtype_(dtype), shape_(std::move(shape)), numel_(shape_.numel()) {
  bytes_.assign(static_cast<size_t>(numel_) * dtype_size(dtype_), 0);
}

Tensor::Tensor(DType dtype, Shape shape, std::vector<uint8_t> bytes)
    : dtype_(dtype), shape_(std::move(shape)), numel_(shape_.numel()), bytes_(std::move(bytes)) {
  if (bytes_.size() != static_cast<size_t>(numel_) * dtype_size(dtype_))
    throw_internal("tensor of shape " + shape_.to_string() + " and dtype " +
                   std::string(dtype_name(dtype_)) + " built from " +
                   std::to_string(bytes_.size()) + " bytes");
}

void Tensor::check_size(bool ok) {
  if (!ok) throw_internal("Tensor::from_values: value count does not match the shape");
}

void Tensor::check_type(DType requested) const {
  if (requested != dtype_)
    throw_internal("tensor of dtype " + std::string(dtype_name(dtype_)) + " read as " +
                   std::string(dtype_name(requested)));
}

double Tensor::as_double(int64_t i) const {
  return dispatch_dtype(dtype_, [&](auto tag) -> double {
    using T = typename decltype(tag)::type;
    return convert<double>(reinterpret_cast<const T*>(bytes_.data())[i]);
  });
}

int64_t Tensor::as_int64(int64_t i) const {
  return dispatch_dtype(dtype_, [&](auto tag) -> int64_t {
    using T = typename decltype(tag)::type;
    return convert<int64_t>(reinterpret_cast<const T*>(bytes_.data())[i]);
  });
}

std::vector<int64_t> Tensor::to_int64_vector() const {
  std::vector<int64_t> values(static_cast<size_t>(numel_));
  for (int64_t i = 0; i < numel_; ++i) values[static_cast<size_t>(i)] = as_int64(i);
  return values;
}

std::vector<double> Tensor::to_double_vector() const {
  std::vector<double> values(static_cast<size_t>(numel_));
  for (int64_t i = 0; i < numel_; ++i) values[static_cast<size_t>(i)] = as_double(i);
  return values;
}

Tensor Tensor::reshaped(Shape shape) const {
  if (shape.numel() != numel_) throw_internal("Tensor::reshaped: element count differs");
  return Tensor(dtype_, std::move(shape), bytes_);
}

Tensor Tensor::cast(DType to) const {
  Tensor result(to, shape_);
  dispatch_dtype(dtype_, [&](auto from_tag) {
    using From = typename decltype(from_tag)::type;
    dispatch_dtype(to, [&](auto to_tag) {
      using To = typename decltype(to_tag)::type;
      const From* src = reinterpret_cast<const From*>(bytes_.data());
      To* dst = reinterpret_cast<To*>(result.bytes_.data());
      for (int64_t i = 0; i < numel_; ++i) dst[i] = convert<To>(src[i]);
    });
  });
  return result;
}

bool Tensor::same_contents(const Tensor& other) const {
  return dtype_ == other.dtype_ && shape_ == other.shape_ && bytes_ == other.bytes_;
}

}  // namespace mote
