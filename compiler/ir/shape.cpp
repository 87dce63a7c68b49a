#include "compiler/ir/shape.h"

#include <algorithm>

#include "compiler/ir/errors.h"

namespace mote {

int64_t checked_mul(int64_t a, int64_t b) {
  if (a < 0 || b < 0) throw UserError(ErrorKind::InvalidModel, "negative dimension in shape");
  if (a != 0 && b > kMaxElements / a)
    throw UserError(ErrorKind::Unsupported,
                    "tensor has more than 2^31-1 elements, which the emitted code cannot index");
  return a * b;
}

int64_t Shape::numel() const { return numel(0, rank()); }

int64_t Shape::numel(int begin, int end) const {
  int64_t n = 1;
  for (int i = begin; i < end; ++i) n = checked_mul(n, dims_[static_cast<size_t>(i)]);
  return n;
}

std::string Shape::to_string() const {
  if (dims_.empty()) return "scalar";
  std::string text;
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) text += "x";
    text += std::to_string(dims_[i]);
  }
  return text;
}

bool normalize_axis(int64_t& axis, int rank) {
  if (axis < -rank || axis >= rank) return false;
  if (axis < 0) axis += rank;
  return true;
}

std::vector<int64_t> contiguous_strides(const Shape& shape) {
  std::vector<int64_t> strides(static_cast<size_t>(shape.rank()), 1);
  for (int i = shape.rank() - 2; i >= 0; --i)
    strides[static_cast<size_t>(i)] = strides[static_cast<size_t>(i) + 1] * shape[i + 1];
  return strides;
}

bool broadcast_shapes(const Shape& a, const Shape& b, Shape& out) {
  int rank = std::max(a.rank(), b.rank());
  std::vector<int64_t> dims(static_cast<size_t>(rank));
  for (int i = 0; i < rank; ++i) {
    int ia = a.rank() - rank + i, ib = b.rank() - rank + i;
    int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da == db || db == 1)
      dims[static_cast<size_t>(i)] = da;
    else if (da == 1)
      dims[static_cast<size_t>(i)] = db;
    else
      return false;
  }
  out = Shape(std::move(dims));
  return true;
}

}  // namespace mote
