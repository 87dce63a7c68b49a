// Typed per-op attributes. Each op declares a struct deriving from AttrsOf<itself> whose
// fields(v) lists every attribute once, with its ONNX name:
//
//   struct LeakyReluAttrs : AttrsOf<LeakyReluAttrs> {
//     float alpha = 0.01f;
//     template <class V> void fields(V& v) { v("alpha", alpha); }
//   };
//
// That one list drives parsing in the frontend (which rejects unknown attributes and wrong
// attribute types), the IR dump and equality for CSE; nothing else names attributes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "compiler/ir/tensor.h"

namespace mote {

// An enum attribute: stored as the enum, spelled in ONNX as one of `names`.
struct EnumField {
  int* value;
  const char* const* names;
  int count;
};

using AttrRef = std::variant<int64_t*, float*, std::string*, std::vector<int64_t>*,
                             std::vector<float>*, std::vector<std::string>*, TensorPtr*,
                             std::optional<int64_t>*, std::optional<float>*,
                             std::optional<std::vector<int64_t>>*,
                             std::optional<std::vector<float>>*, std::optional<std::string>*,
                             EnumField>;

class AttrVisitor {
 public:
  virtual ~AttrVisitor() = default;
  // required: the attribute has no default and must be present in the model.
  virtual void field(const char* name, AttrRef ref, bool required) = 0;
};

// Declares the spelling of an enum used as an attribute, next to the enum (found by ADL):
//   enum class AutoPad { NotSet, SameUpper, SameLower, Valid };
//   MOTE_ENUM_NAMES(AutoPad, "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")
struct EnumTable {
  const char* const* names;
  int count;
};
#define MOTE_ENUM_NAMES(E, ...)                                            \
  inline ::mote::EnumTable enum_names(E) {                                 \
    static constexpr const char* names[] = {__VA_ARGS__};                  \
    return {names, static_cast<int>(sizeof(names) / sizeof(names[0]))};    \
  }

struct Attrs {
  virtual ~Attrs() = default;
  virtual void visit(AttrVisitor& visitor) = 0;
  virtual std::unique_ptr<Attrs> clone() const = 0;
};

// Turns the typed fields(v) calls of an attrs struct into AttrVisitor calls.
class AttrSink {
 public:
  explicit AttrSink(AttrVisitor& visitor) : visitor_(visitor) {}
  template <class T>
  void operator()(const char* name, T& field) {
    visitor_.field(name, ref(field), false);
  }
  template <class T>
  void required(const char* name, T& field) {
    visitor_.field(name, ref(field), true);
  }

 private:
  template <class T>
  static AttrRef ref(T& field) {
    if constexpr (std::is_enum_v<T>) {
      static_assert(sizeof(T) == sizeof(int), "enum attributes must have int size");
      EnumTable table = enum_names(T{});
      return EnumField{reinterpret_cast<int*>(&field), table.names, table.count};
    } else {
      return &field;
    }
  }
  AttrVisitor& visitor_;
};

template <class Derived>
struct AttrsOf : Attrs {
  void visit(AttrVisitor& visitor) override {
    AttrSink sink(visitor);
    static_cast<Derived*>(this)->fields(sink);
  }
  std::unique_ptr<Attrs> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
};

// For ops without attributes.
struct NoAttrs : AttrsOf<NoAttrs> {
  template <class V>
  void fields(V&) {}
};

// "name=value" for each attribute, in declaration order; used by the IR dump and CSE.
std::string attrs_to_string(const Attrs& attrs);

}  // namespace mote
