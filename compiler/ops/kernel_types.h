// Compile-time lists of the C++ element types a kernel is instantiated for, and dispatch
// from a runtime DType to one of them. An op's lowering names the list it supports; the
// dtype check in its shape rule uses the same list through dtype_set<List>().
#pragma once

#include <string>

#include "compiler/ir/dispatch.h"
#include "compiler/ir/errors.h"

namespace mote {

template <class... Ts>
struct TypeList {};

template <class A, class B>
struct ConcatLists;
template <class... As, class... Bs>
struct ConcatLists<TypeList<As...>, TypeList<Bs...>> {
  using type = TypeList<As..., Bs...>;
};
template <class A, class B>
using Concat = typename ConcatLists<A, B>::type;

using FloatTypes = TypeList<float, double, float16, bfloat16>;
using SignedIntTypes = TypeList<int8_t, int16_t, int32_t, int64_t>;
using UnsignedIntTypes = TypeList<uint8_t, uint16_t, uint32_t, uint64_t>;
using IntTypes = Concat<SignedIntTypes, UnsignedIntTypes>;
using NumericTypes = Concat<FloatTypes, IntTypes>;
using SignedNumericTypes = Concat<FloatTypes, SignedIntTypes>;
using AllTypes = Concat<NumericTypes, TypeList<bool>>;
using BoolTypes = TypeList<bool>;
using IndexTypes = TypeList<int32_t, int64_t>;
// Activations of the integer kernels: 8-bit, or int16 (--quantize int16x8, with int8 weights).
using QuantizedActivationTypes = TypeList<int8_t, uint8_t, int16_t>;

template <class List>
struct DTypeSetOf;
template <class... Ts>
struct DTypeSetOf<TypeList<Ts...>> {
  static constexpr DTypeSet value{dtype_of<Ts>()...};
};
template <class List>
constexpr DTypeSet dtype_set() {
  return DTypeSetOf<List>::value;
}

// C++ spelling of T in emitted code.
template <class T>
std::string cpp_type() {
  return std::string(dtype_cpp_name(dtype_of<T>()));
}

namespace detail {
template <class F, class T, class... Rest>
decltype(auto) dispatch_list(DType dtype, F& f, TypeList<T, Rest...>) {
  if constexpr (sizeof...(Rest) == 0) {
    if (dtype != dtype_of<T>())
      throw UserError(ErrorKind::Unsupported,
                      "no kernel for dtype " + std::string(dtype_name(dtype)));
    return f(TypeTag<T>{});
  } else {
    if (dtype == dtype_of<T>()) return f(TypeTag<T>{});
    return dispatch_list(dtype, f, TypeList<Rest...>{});
  }
}
}  // namespace detail

// Calls f(TypeTag<T>{}) for the T in List matching dtype; UserError if none does.
template <class List, class F>
decltype(auto) dispatch_in(DType dtype, F&& f) {
  return detail::dispatch_list(dtype, f, List{});
}

}  // namespace mote
