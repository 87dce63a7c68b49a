#include "compiler/ir/printer.h"

#include <sstream>

namespace mote {
namespace {

// Readable by default; `exact` prints floats as hex and tensors by identity, so that two
// attribute sets print the same exactly when they are equal (up to tensor identity).
class AttrPrinter : public AttrVisitor {
 public:
  explicit AttrPrinter(bool exact = false) : exact_(exact) {}
  std::string text;

  void field(const char* name, AttrRef ref, bool) override {
    std::string value = std::visit([this](auto target) { return show(target); }, ref);
    if (value.empty()) return;  // absent optional
    text += (text.empty() ? "" : ", ") + std::string(name) + "=" + value;
  }

 private:
  template <class T>
  std::string list(const std::vector<T>& v) const {
    std::ostringstream s;
    if (exact_) s << std::hexfloat;
    s << "[";
    for (size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
    s << "]";
    return s.str();
  }
  std::string show(const int64_t* v) const { return std::to_string(*v); }
  std::string show(const float* v) const {
    std::ostringstream s;
    if (exact_) s << std::hexfloat;
    s << *v;
    return s.str();
  }
  std::string show(const std::string* v) const { return "\"" + *v + "\""; }
  std::string show(const std::vector<int64_t>* v) const { return list(*v); }
  std::string show(const std::vector<float>* v) const { return list(*v); }
  std::string show(const std::vector<std::string>* v) const { return list(*v); }
  std::string show(const TensorPtr* v) const {
    if (!*v) return "";
    if (exact_) return "tensor@" + std::to_string(reinterpret_cast<uintptr_t>(v->get()));
    return "tensor " + std::string(dtype_name((*v)->dtype())) + "[" + (*v)->shape().to_string() + "]";
  }
  template <class T>
  std::string show(const std::optional<T>* v) const {
    return *v ? show(&**v) : "";
  }
  std::string show(EnumField e) const { return e.names[*e.value]; }

  bool exact_;
};

std::string value_ref(const Value* v) { return v ? "%" + v->name : "_"; }

std::string value_type(const Value* v) {
  return std::string(dtype_name(v->dtype)) + "[" + v->shape.to_string() + "]";
}

}  // namespace

std::string attrs_key(const Attrs& attrs) {
  AttrPrinter printer(true);
  const_cast<Attrs&>(attrs).visit(printer);
  return printer.text;
}

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
  if (node.activation) {
    static const char* const names[] = {"Relu", "Clip", "LeakyRelu", "HardSigmoid", "HardSwish", "Sigmoid", "Tanh"};
    s << " + " << names[static_cast<int>(node.activation->kind)] << "(" << node.activation->alpha << ", "
      << node.activation->beta << ")";
  }
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
