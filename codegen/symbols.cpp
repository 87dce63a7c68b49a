#include "codegen/symbols.h"

#include <cctype>

namespace mote {
namespace {

const std::set<std::string>& c_keywords() {
  static const std::set<std::string> words = {
      "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char", "class", "const",
      "constexpr", "continue", "default", "delete", "do", "double", "else", "enum", "explicit", "export",
      "extern", "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable",
      "namespace", "new", "noexcept", "not", "nullptr", "operator", "or", "private", "protected", "public",
      "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "template",
      "this", "throw", "true", "try", "typedef", "typename", "union", "unsigned", "using", "virtual", "void",
      "volatile", "while", "xor", "main", "arena", "mote", "NULL", "NAN", "INFINITY"};
  return words;
}

}  // namespace

std::string sanitize_identifier(const std::string& raw) {
  std::string out;
  for (char c : raw) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "t" + out;
  // Identifiers with a double underscore are reserved in C++.
  std::string collapsed;
  for (char c : out)
    if (!(c == '_' && !collapsed.empty() && collapsed.back() == '_')) collapsed += c;
  if (collapsed.size() > 48) collapsed.resize(48);
  if (collapsed.back() == '_') collapsed += "t";
  return collapsed;
}

std::string upper(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_c_identifier(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return !c_keywords().count(name) && name.find("__") == std::string::npos && name[0] != '_';
}

NameTable::NameTable(std::set<std::string> reserved) : used_(std::move(reserved)) {
  used_.insert(c_keywords().begin(), c_keywords().end());
}

std::string NameTable::make(const std::string& prefix, const std::string& raw) {
  std::string base = sanitize_identifier(prefix + raw);
  std::string name = base;
  for (int i = 1; used_.count(name); ++i) name = base + "_" + std::to_string(i);
  used_.insert(name);
  return name;
}

Symbols assign_symbols(const Graph& graph, const CodegenOptions& options) {
  Symbols s;
  s.ns = options.name + "_model";
  NameTable weight_names;
  auto add_weight = [&](const Tensor* t, const std::string& origin) {
    if (s.weight_index.count(t)) return;
    s.weight_index[t] = s.weights.size();
    s.weights.push_back({t, weight_names.make("w_", origin), origin});
  };
  for (const auto& node : graph.nodes())
    for (const KernelCall& call : node->kernels)
      for (const KernelArg& arg : call.args) {
        if (arg.kind == KernelArg::Kind::Constant) {
          add_weight(arg.constant.get(), node->label() + "_table");
        } else if (arg.kind == KernelArg::Kind::Input || arg.kind == KernelArg::Kind::InputList) {
          std::vector<int> indices = arg.kind == KernelArg::Kind::Input ? std::vector<int>{arg.index} : arg.list;
          for (int i : indices) {
            const Value* v = node->input(static_cast<size_t>(i));
            if (v && v->is_constant()) add_weight(v->constant.get(), v->name);
          }
        }
      }
  for (const Value* v : graph.outputs)
    if (v->is_constant()) add_weight(v->constant.get(), v->name);

  NameTable locals({s.ns, options.name + "_run"});
  NameTable macros({"ARENA_BYTES", "ARENA_ALIGN", "WEIGHTS_BYTES", "NUM_INPUTS", "NUM_OUTPUTS"});
  for (const Value* v : graph.inputs) {
    std::string name = locals.make("", v->name);
    s.input_params.push_back(name);
    s.pointer[v] = name;
    s.io_macros_in.push_back(upper(options.name) + "_" + macros.make("", upper(v->name)));
  }
  for (const Value* v : graph.outputs) {
    std::string name = locals.make("", v->name);
    s.output_params.push_back(name);
    if (!v->is_constant() && !s.pointer.count(v)) s.pointer[v] = name;
    s.io_macros_out.push_back(upper(options.name) + "_" + macros.make("", upper(v->name)));
  }
  for (const auto& node : graph.nodes())
    for (const Value* out : node->outputs)
      if (out && !s.pointer.count(out)) s.pointer[out] = locals.make("t_", out->name);
  return s;
}

}  // namespace mote
