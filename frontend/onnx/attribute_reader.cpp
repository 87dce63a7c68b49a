#include "frontend/onnx/attribute_reader.h"

#include <onnx/onnx_pb.h>

#include <set>

#include "compiler/ir/errors.h"
#include "frontend/onnx/tensor_proto.h"

namespace mote::onnx_frontend {
namespace {

using onnx::AttributeProto;

// Old exporters leave `type` unset; then the populated field tells.
AttributeProto::AttributeType effective_type(const AttributeProto& a) {
  if (a.type() != AttributeProto::UNDEFINED) return a.type();
  if (a.has_f()) return AttributeProto::FLOAT;
  if (a.has_i()) return AttributeProto::INT;
  if (a.has_s()) return AttributeProto::STRING;
  if (a.has_t()) return AttributeProto::TENSOR;
  if (a.has_g()) return AttributeProto::GRAPH;
  if (a.floats_size()) return AttributeProto::FLOATS;
  if (a.ints_size()) return AttributeProto::INTS;
  if (a.strings_size()) return AttributeProto::STRINGS;
  return AttributeProto::UNDEFINED;
}

const char* type_name(AttributeProto::AttributeType t) {
  switch (t) {
    case AttributeProto::FLOAT: return "float";
    case AttributeProto::INT: return "int";
    case AttributeProto::STRING: return "string";
    case AttributeProto::TENSOR: return "tensor";
    case AttributeProto::GRAPH: return "graph";
    case AttributeProto::FLOATS: return "floats";
    case AttributeProto::INTS: return "ints";
    case AttributeProto::STRINGS: return "strings";
    case AttributeProto::SPARSE_TENSOR: return "sparse tensor";
    case AttributeProto::TYPE_PROTO: return "type";
    default: return "undefined";
  }
}

class Reader : public AttrVisitor {
 public:
  Reader(const onnx::NodeProto& node, const std::filesystem::path& base_dir)
      : node_(node), base_dir_(base_dir) {}

  void field(const char* name, AttrRef ref, bool required) override {
    known_.insert(name);
    const AttributeProto* a = nullptr;
    for (const auto& attr : node_.attribute())
      if (attr.name() == name) a = &attr;
    if (!a) {
      if (required) errors.push_back(std::string("required attribute '") + name + "' is missing");
      return;
    }
    std::visit([&](auto target) { assign(*a, target); }, ref);
  }

  void report_unknown() {
    for (const auto& attr : node_.attribute())
      if (!known_.count(attr.name()))
        errors.push_back("unknown attribute '" + attr.name() + "' (" +
                         type_name(effective_type(attr)) + ")");
  }

  std::vector<std::string> errors;

 private:
  bool expect(const AttributeProto& a, AttributeProto::AttributeType want) {
    if (effective_type(a) == want) return true;
    errors.push_back("attribute '" + a.name() + "' should be of type " + type_name(want) +
                     ", found " + type_name(effective_type(a)));
    return false;
  }

  void assign(const AttributeProto& a, int64_t* v) {
    if (expect(a, AttributeProto::INT)) *v = a.i();
  }
  void assign(const AttributeProto& a, float* v) {
    if (expect(a, AttributeProto::FLOAT)) *v = a.f();
  }
  void assign(const AttributeProto& a, std::string* v) {
    if (expect(a, AttributeProto::STRING)) *v = a.s();
  }
  void assign(const AttributeProto& a, std::vector<int64_t>* v) {
    if (expect(a, AttributeProto::INTS)) v->assign(a.ints().begin(), a.ints().end());
  }
  void assign(const AttributeProto& a, std::vector<float>* v) {
    if (expect(a, AttributeProto::FLOATS)) v->assign(a.floats().begin(), a.floats().end());
  }
  void assign(const AttributeProto& a, std::vector<std::string>* v) {
    if (expect(a, AttributeProto::STRINGS)) v->assign(a.strings().begin(), a.strings().end());
  }
  void assign(const AttributeProto& a, TensorPtr* v) {
    if (!expect(a, AttributeProto::TENSOR)) return;
    try {
      *v = std::make_shared<const Tensor>(tensor_from_proto(a.t(), base_dir_));
    } catch (const UserError& e) {
      errors.push_back("attribute '" + a.name() + "': " + e.diagnostics().front().message);
    }
  }
  template <class T>
  void assign(const AttributeProto& a, std::optional<T>* v) {
    T value{};
    size_t before = errors.size();
    assign(a, &value);
    if (errors.size() == before) *v = std::move(value);
  }
  void assign(const AttributeProto& a, EnumField e) {
    if (!expect(a, AttributeProto::STRING)) return;
    std::string allowed;
    for (int i = 0; i < e.count; ++i) {
      if (a.s() == e.names[i]) {
        *e.value = i;
        return;
      }
      allowed += std::string(i ? ", " : "") + e.names[i];
    }
    errors.push_back("attribute '" + a.name() + "' is '" + a.s() + "'; expected one of " + allowed);
  }

  const onnx::NodeProto& node_;
  const std::filesystem::path& base_dir_;
  std::set<std::string> known_;
};

}  // namespace

std::vector<std::string> read_attributes(const onnx::NodeProto& node, Attrs& attrs,
                                         const std::filesystem::path& base_dir) {
  Reader reader(node, base_dir);
  attrs.visit(reader);
  reader.report_unknown();
  return reader.errors;
}

}  // namespace mote::onnx_frontend
