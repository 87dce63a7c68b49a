// IR basics: shapes, broadcasting, dtype tables, constant tensors, literals.
#include <catch2/catch.hpp>

#include "compiler/ir/errors.h"
#include "compiler/ir/literals.h"
#include "compiler/ir/shape.h"
#include "compiler/ir/tensor.h"

using namespace mote;

TEST_CASE("broadcast follows numpy") {
  Shape out;
  REQUIRE(broadcast_shapes(Shape{2, 3, 4}, Shape{3, 1}, out));
  CHECK(out == Shape{2, 3, 4});
  REQUIRE(broadcast_shapes(Shape{}, Shape{5}, out));
  CHECK(out == Shape{5});
  REQUIRE(broadcast_shapes(Shape{1, 0}, Shape{4, 1}, out));
  CHECK(out == Shape{4, 0});
  CHECK_FALSE(broadcast_shapes(Shape{2, 3}, Shape{4}, out));
}

TEST_CASE("element counts that overflow are user errors, not wraparound") {
  CHECK(Shape{2, 3, 4}.numel() == 24);
  CHECK(Shape{}.numel() == 1);
  CHECK_THROWS_AS((Shape{1 << 20, 1 << 20}.numel()), UserError);
  CHECK_THROWS_AS((Shape{int64_t{1} << 40, int64_t{1} << 40}.numel()), UserError);
}

TEST_CASE("axis normalisation") {
  int64_t axis = -1;
  REQUIRE(normalize_axis(axis, 4));
  CHECK(axis == 3);
  axis = 4;
  CHECK_FALSE(normalize_axis(axis, 4));
  axis = -5;
  CHECK_FALSE(normalize_axis(axis, 4));
}

TEST_CASE("dtype tables round-trip through ONNX numbers and names") {
  for (int i = 0; i < kDTypeCount; ++i) {
    DType t = static_cast<DType>(i);
    CHECK(dtype_from_onnx(dtype_to_onnx(t)) == t);
    CHECK(dtype_from_name(dtype_name(t)) == t);
  }
  CHECK_FALSE(dtype_from_onnx(8).has_value());  // string
}

TEST_CASE("tensor casts use the runtime's defined-behaviour conversions") {
  Tensor t = Tensor::from_values<float>(Shape{5}, {1.9f, -1.9f, 1e10f, -1e10f, std::nanf("")});
  Tensor i = t.cast(DType::Int8);
  CHECK(i.to_int64_vector() == std::vector<int64_t>{1, -1, 127, -128, 0});
  Tensor b = Tensor::from_values<float>(Shape{2}, {0.0f, -0.5f}).cast(DType::Bool);
  CHECK(b.to_int64_vector() == std::vector<int64_t>{0, 1});
}

TEST_CASE("literals are exact") {
  CHECK(float_literal(1.5f) == "0x1.8p+0f");
  CHECK(float_literal(-0.0f) == "-0x0p+0f");
  CHECK(float_literal(INFINITY) == "INFINITY");
  CHECK(float_literal(-INFINITY) == "-INFINITY");
  CHECK(float_literal(std::nanf("")) == "NAN");
  CHECK(std::strtof(float_literal(0.1f).c_str(), nullptr) == 0.1f);
  CHECK(double_literal(0.1) == "0x1.999999999999ap-4");
  Tensor t = Tensor::from_values<int64_t>(Shape{2}, {INT64_MIN, 7});
  CHECK(element_literal(t, 0) == "(-9223372036854775807LL - 1)");
  CHECK(element_literal(t, 1) == "7LL");
}
