// A node lowered to runtime-min: which kernel, with which compile-time parameters, on which
// buffers. The same KernelCall is printed by codegen and invoked on the host by the
// evaluator (constant folding, calibration), so both always run the same code.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/tensor.h"

namespace mote {

struct KernelArg {
  enum class Kind {
    Input,      // node input `index` (nullptr when the optional input is absent)
    Output,     // node output `index`
    InputList,  // array of pointers to the node inputs in `list`
    Scratch,    // scratch buffer `index` of this call, planned in the arena
    Constant,   // a constant the lowering made (packed weights, lookup table, ...)
    None,       // a null pointer (an optional argument left out)
  };
  Kind kind = Kind::Input;
  int index = 0;
  std::vector<int> list;
  TensorPtr constant;

  static KernelArg input(int i) { return {Kind::Input, i, {}, nullptr}; }
  static KernelArg output(int i) { return {Kind::Output, i, {}, nullptr}; }
  static KernelArg inputs(std::vector<int> indices) {
    return {Kind::InputList, 0, std::move(indices), nullptr};
  }
  static KernelArg scratch(int i) { return {Kind::Scratch, i, {}, nullptr}; }
  static KernelArg constant_tensor(TensorPtr t) { return {Kind::Constant, 0, {}, std::move(t)}; }
  static KernelArg none() { return {Kind::None, 0, {}, nullptr}; }
};

// One printable field of a params struct: its name and its value(s) as C++ literals.
struct ParamField {
  std::string name;
  std::vector<std::string> values;
  bool is_array = false;
};

// A kernel that copies `count` contiguous elements from node input `input` (from element
// in_offset) to node output `output` (from out_offset): the memory planner can often place
// the two so that the copy disappears (views, concat inputs, split outputs).
struct BlockCopy {
  int input = 0;
  int output = 0;
  int64_t in_offset = 0;
  int64_t out_offset = 0;
  int64_t count = 0;
};

// The same kernel bound for another scratch size, e.g. a faster form that needs more.
struct ScratchVariant {
  std::vector<ParamField> params;
  std::vector<int64_t> scratch_bytes;
  std::function<void(void* const* pointers)> invoke;
};

struct KernelCall {
  std::string header;       // runtime-min header declaring the kernel, e.g. "mote/conv.h"
  std::string function;     // e.g. "mote::conv<float>"
  std::string params_type;  // e.g. "mote::ConvParams"
  std::vector<ParamField> params;
  std::vector<KernelArg> args;
  std::vector<std::string> arg_types;    // C++ type of each kernel parameter, e.g. "const float*"
  std::vector<int64_t> scratch_bytes;    // one entry per scratch buffer
  std::vector<int64_t> scratch_offsets;  // arena offsets, set by the memory planner
  std::optional<BlockCopy> block_copy;
  // The kernel only copies elements and writes nothing but its destination region (copy,
  // strided copy): a node made of such kernels may have its inputs produced in place.
  bool copies_only = false;
  // Set by the memory planner when aliasing made this copy a no-op (a view, a concat input
  // produced in place): codegen emits nothing for it; host evaluation still runs it.
  bool elided = false;
  // Output o may be written over input i, both starting at the same address (the kernel
  // reads each element before anything overwrites it). The planner uses it when the input
  // dies here.
  std::vector<std::pair<int, int>> in_place;
  // Host invocation: pointers in the order of `args` (an InputList arg points at an array of
  // pointers). Set by bind_kernel.
  std::function<void(void* const* pointers)> invoke;
  // Forms of this call that trade arena for speed, scratch ascending (empty: it has one form).
  // plan_memory gives the call the largest one that leaves the arena as small as the first.
  std::vector<ScratchVariant> scratch_variants;
  void use(const ScratchVariant& variant) {
    params = variant.params;
    scratch_bytes = variant.scratch_bytes;
    invoke = variant.invoke;
  }
};

// "{/*count*/ 10, /*dims*/ {1, 2}}": an aggregate initializer for a params struct (trailing
// zeros of arrays are left to aggregate initialisation).
std::string format_params(const std::vector<ParamField>& fields);

// Collects the fields of a runtime-min params struct via its each() member.
class ParamPrinter {
 public:
  explicit ParamPrinter(std::vector<ParamField>& out) : out_(out) {}
  void operator()(const char* name, int32_t v) { out_.push_back({name, {std::to_string(v)}, false}); }
  void operator()(const char* name, float v) { out_.push_back({name, {float_literal(v)}, false}); }
  template <size_t N>
  void operator()(const char* name, const int32_t (&v)[N]) {
    ParamField f{name, {}, true};
    for (size_t i = 0; i < N; ++i) f.values.push_back(std::to_string(v[i]));
    out_.push_back(std::move(f));
  }
  template <size_t N>
  void operator()(const char* name, const float (&v)[N]) {
    ParamField f{name, {}, true};
    for (size_t i = 0; i < N; ++i) f.values.push_back(float_literal(v[i]));
    out_.push_back(std::move(f));
  }
  // A nested params struct (e.g. the ConvParams inside QConvParams): a braced initializer.
  template <class S, class = decltype(std::declval<const S&>().each(std::declval<ParamPrinter&>()))>
  void operator()(const char* name, const S& nested) {
    std::vector<ParamField> fields;
    ParamPrinter inner(fields);
    nested.each(inner);
    out_.push_back({name, {format_params(fields)}, false});
  }

  // Exact C++ literal for a float: hex float, or a math.h macro for inf/nan.
  static std::string float_literal(float v);
  static std::string double_literal(double v);

 private:
  std::vector<ParamField>& out_;
};

namespace detail {
// C++ spelling of a kernel's pointer parameter type.
template <class P>
std::string pointer_type_name() {
  using Pointee = std::remove_pointer_t<P>;
  std::string qualifier = std::is_const_v<Pointee> ? "const " : "";
  if constexpr (std::is_pointer_v<Pointee>) {
    return pointer_type_name<std::remove_const_t<Pointee>>() + (std::is_const_v<Pointee> ? " const*" : "*");
  } else if constexpr (std::is_void_v<std::remove_const_t<Pointee>>) {
    return qualifier + "void*";
  } else {
    return qualifier + std::string(dtype_cpp_name(dtype_of<std::remove_const_t<Pointee>>())) + "*";
  }
}

template <class P, class... A, size_t... I>
void call_kernel(void (*fn)(const P&, A...), const P& params, void* const* pointers,
                 std::index_sequence<I...>) {
  fn(params, static_cast<A>(pointers[I])...);
}
}  // namespace detail

// Binds a runtime-min kernel `void fn(const P&, A...)` whose pointer arguments are described
// by `args`, in order. `function` must name the same instantiation as `fn`.
template <class P, class... A>
KernelCall bind_kernel(std::string header, std::string function, std::string params_type,
                       const P& params, void (*fn)(const P&, A...), std::vector<KernelArg> args) {
  static_assert((std::is_pointer_v<A> && ...), "kernel arguments must be pointers");
  KernelCall call;
  call.header = std::move(header);
  call.function = std::move(function);
  call.params_type = std::move(params_type);
  ParamPrinter printer(call.params);
  params.each(printer);
  if (args.size() != sizeof...(A))
    throw std::logic_error("bind_kernel: " + call.function + " takes " +
                           std::to_string(sizeof...(A)) + " buffers, got " +
                           std::to_string(args.size()));
  call.args = std::move(args);
  call.arg_types = {detail::pointer_type_name<A>()...};
  call.invoke = [params, fn](void* const* pointers) {
    detail::call_kernel(fn, params, pointers, std::index_sequence_for<A...>{});
  };
  return call;
}

}  // namespace mote
