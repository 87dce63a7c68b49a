#include "compiler/ir/printer.h"

#include <sstream>

namespace mote {
namespace {

class AttrPrinter : public AttrVisitor {
 public:
  std::string text;

  void field(const char* name, AttrRef ref, bool) override {
    std::string value = std::visit([](auto target) { return show(target); }, ref);
    if (value.empty()) return;  // absent optional
    text += (text.empty() ? "" : ", ") + std::string(name) + "=" + value;
  }

 private:
  template <class T>
  static std::string list(const std::vector<T>& v) {
    std::ostringstream s;
    s << "[";
    for (size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
    s << "]";
    return s.str();
  }
  static std::string show(const int64_t* v) { return std::to_string(*v); }
  static std::string show(const float* v) {
    std::ostringstream s;
    s << *v;
    return s.str();
  }
  static std::string show(const std::string* v) { return "\"" + *v + "\""; }
  static std::string show(const std::vector<int64_t>* v) { return list(*v); }
  static std::string show(const std::vector<float>* v) { return list(*v); }
  static std::string show(const std::vector<std::string>* v) { return list(*v); }
  static std::string show(const TensorPtr* v) {
    return *v ? "tensor " + std::string(dtype_name((*v)->dtype())) + "[" + (*v)->shape().to_string() + "]" : "";
  }
  template <class T>
  static std::string show(const std::optional<T>* v) {
    return *v ? show(&**v) : "";
  }
  static std::string show(EnumField e) { return e.names[*e.value]; }
};

std::string value_ref(const Value* v) { return v ? "%" + v->name : "_"; }

std::string value_type(const Value* v) {
  return std::string(dtype_name(v->dtype)) + "[" + v->shape.to_string() + "]";
}

}  // namespace

std::string attrs_to_string(const Attrs& attrs) {
  AttrPrinter printer;
  const_cast<Attrs&>(attrs).visit(printer);
  return printer.text;
}

std::string print_node(const Node& node) {
  std::ostringstream s;
  s << "'" << node.label() << "' = " << node.op_name() << "(";
  for (size_t i = 0; i < node.inputs.size(); ++i) s << (i ? ", " : "") << value_ref(node.inputs[i]);
  s << ")";
  std::string attrs = attrs_to_string(*node.attrs);
  if (!attrs.empty()) s << " {" << attrs << "}";
  s << " -> ";
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    const Value* out = node.outputs[i];
    s << (i ? ", " : "") << value_ref(out);
    if (out) {
      s << ": " << value_type(out);
      if (out->storage.kind == Storage::Kind::Arena) s << " @" << out->storage.offset;
      if (out->storage.kind == Storage::Kind::Input) s << " @input" << out->storage.index << "+" << out->storage.offset;
      if (out->storage.kind == Storage::Kind::Output) s << " @output" << out->storage.index << "+" << out->storage.offset;
    }
  }
  for (const KernelCall& k : node.kernels) s << "\n      kernel " << k.function << (k.elided ? " (elided)" : "");
  return s.str();
}

std::string print_graph(const Graph& graph) {
  std::ostringstream s;
  s << "graph '" << graph.name << "'\n";
  for (const Value* v : graph.inputs) s << "  input " << value_ref(v) << ": " << value_type(v) << "\n";
  for (const auto& v : graph.values())
    if (v->is_constant()) s << "  const " << value_ref(v.get()) << ": " << value_type(v.get()) << "\n";
  for (const auto& n : graph.nodes()) s << "  " << print_node(*n) << "\n";
  for (const Value* v : graph.outputs) s << "  output " << value_ref(v) << ": " << value_type(v) << "\n";
  if (graph.arena_bytes) s << "  arena " << graph.arena_bytes << " bytes\n";
  return s.str();
}

}  // namespace mote
