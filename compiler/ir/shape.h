// Static tensor shapes. Every dimension is known at compile time; a dimension of size 0 is
// legal (empty tensors appear in the ONNX suite), negative ones are not.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace mote {

// The emitted code indexes with int32_t, so no tensor may hold more elements than this.
inline constexpr int64_t kMaxElements = (int64_t{1} << 31) - 1;
// Largest rank the runtime kernels accept (MOTE_MAX_RANK in runtime-min).
inline constexpr int kMaxRank = 8;

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}

  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t operator[](int axis) const { return dims_[static_cast<size_t>(axis)]; }
  int64_t& operator[](int axis) { return dims_[static_cast<size_t>(axis)]; }
  const std::vector<int64_t>& dims() const { return dims_; }
  std::vector<int64_t>& dims() { return dims_; }
  bool is_scalar() const { return dims_.empty(); }

  // Number of elements; throws UserError (naming nothing; callers add context) if it
  // overflows or exceeds kMaxElements.
  int64_t numel() const;
  // Product of dims in [begin, end).
  int64_t numel(int begin, int end) const;

  bool operator==(const Shape& other) const { return dims_ == other.dims_; }
  bool operator!=(const Shape& other) const { return dims_ != other.dims_; }

  std::string to_string() const;  // "1x3x32x32", "scalar"

 private:
  std::vector<int64_t> dims_;
};

// Multiplies element counts, throwing a UserError on overflow past kMaxElements.
int64_t checked_mul(int64_t a, int64_t b);

// Normalises an axis in [-rank, rank) to [0, rank); nullopt when out of range.
bool normalize_axis(int64_t& axis, int rank);

// Row-major strides of a shape, in elements.
std::vector<int64_t> contiguous_strides(const Shape& shape);

// Numpy multidirectional broadcast; false when the shapes are incompatible.
bool broadcast_shapes(const Shape& a, const Shape& b, Shape& out);

}  // namespace mote
