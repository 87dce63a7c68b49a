#include "frontend/onnx/importer.h"

#include <onnx/defs/function.h>
#include <onnx/defs/schema.h>

#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "compiler/eval/evaluator.h"
#include "compiler/ir/errors.h"
#include "compiler/ops/op_def.h"
#include "frontend/onnx/attribute_reader.h"
#include "frontend/onnx/tensor_proto.h"

namespace mote::onnx_frontend {
namespace {

using OpsetMap = std::map<std::string, int64_t>;  // domain ("" = ai.onnx) -> version

// Function bodies nest (a function calling functions); deeper than this is a cycle or abuse.
constexpr int kMaxFunctionDepth = 32;

std::string normalize_domain(const std::string& domain) {
  return domain == "ai.onnx" ? std::string() : domain;
}

std::string qualified_op(const onnx::NodeProto& n) {
  std::string domain = normalize_domain(n.domain());
  return domain.empty() ? n.op_type() : domain + "." + n.op_type();
}

struct PendingNode {
  onnx::NodeProto proto;
  std::shared_ptr<const OpsetMap> opsets;
  int depth = 0;
  std::string label;  // node name for messages (ONNX names may be empty)
};

class Importer {
 public:
  Importer(const LoadedModel& model, const ImportOptions& options)
      : model_(model), options_(options), graph_(std::make_unique<Graph>()) {}

  std::unique_ptr<Graph> run() {
    const onnx::GraphProto& g = model_.proto.graph();
    graph_->name = model_.display_name;
    for (const auto& prop : model_.proto.metadata_props()) graph_->metadata[prop.key()] = prop.value();
    auto opsets = std::make_shared<OpsetMap>();
    for (const auto& o : model_.proto.opset_import()) (*opsets)[normalize_domain(o.domain())] = o.version();
    for (const auto& f : model_.proto.functions())
      functions_[{normalize_domain(f.domain()), f.name()}] = &f;

    import_initializers(g);
    import_inputs(g);
    int index = 0;
    for (const auto& n : g.node()) {
      std::string label = n.name().empty() ? "#" + std::to_string(index) + " " + n.op_type() : n.name();
      work_.push_back({n, opsets, 0, label});
      ++index;
    }
    while (!work_.empty()) {
      PendingNode next = std::move(work_.front());
      work_.pop_front();
      import_node(next);
    }
    import_outputs(g);
    if (!diagnostics_.empty()) throw UserError(diagnostics_, model_.display_name);
    cross_check_shapes();
    graph_->remove_unused_values();
    return std::move(graph_);
  }

 private:
  void add(Diagnostic d) { diagnostics_.push_back(std::move(d)); }
  void add_node_error(const PendingNode& n, ErrorKind kind, const std::string& message, int64_t opset = 0) {
    Diagnostic d;
    d.kind = kind;
    d.node = n.label;
    d.op = qualified_op(n.proto);
    d.opset = static_cast<int>(opset);
    d.message = message;
    add(d);
  }
  void add_tensor_error(ErrorKind kind, const std::string& tensor, const std::string& message) {
    Diagnostic d;
    d.kind = kind;
    d.tensor = tensor;
    d.message = message;
    add(d);
  }
  void poison_outputs(const onnx::NodeProto& n) {
    for (const auto& out : n.output())
      if (!out.empty()) poisoned_.insert(out);
  }

  void bind(const std::string& onnx_name, Value* v) { env_[onnx_name] = v; }

  void import_initializers(const onnx::GraphProto& g) {
    for (const auto& init : g.initializer()) {
      try {
        auto tensor = std::make_shared<const Tensor>(tensor_from_proto(init, model_.base_dir));
        bind(init.name(), graph_->add_constant(init.name(), tensor));
      } catch (const UserError& e) {
        for (Diagnostic d : e.diagnostics()) {
          d.tensor = init.name();
          add(d);
        }
        poisoned_.insert(init.name());
      }
    }
    if (g.sparse_initializer_size() > 0)
      add_tensor_error(ErrorKind::Unsupported, g.sparse_initializer(0).values().name(),
                       "sparse initializers are not supported");
  }

  void import_inputs(const onnx::GraphProto& g) {
    std::set<std::string> declared;
    for (const auto& input : g.input()) {
      const std::string& name = input.name();
      declared.insert(name);
      if (env_.count(name) || poisoned_.count(name)) continue;  // has an initializer: a constant
      if (!input.type().has_tensor_type()) {
        std::string kind = input.type().has_sequence_type() ? "a sequence"
                           : input.type().has_optional_type() ? "an optional"
                           : input.type().has_map_type() ? "a map" : "not a tensor";
        add_tensor_error(ErrorKind::Unsupported, name, "graph input is " + kind + "; Mote handles tensors only");
        poisoned_.insert(name);
        continue;
      }
      const auto& tt = input.type().tensor_type();
      std::optional<DType> dtype = dtype_from_onnx(tt.elem_type());
      if (!dtype) {
        add_tensor_error(ErrorKind::Unsupported, name,
                         tt.elem_type() == onnx::TensorProto::STRING ? "string inputs are not supported"
                                                                     : "input element type " + std::to_string(tt.elem_type()) + " is not supported");
        poisoned_.insert(name);
        continue;
      }
      auto bound = options_.const_inputs.find(name);
      if (bound != options_.const_inputs.end()) {
        Tensor value = bound->second;
        if (value.dtype() != *dtype) {
          add_tensor_error(ErrorKind::Usage, name,
                           "--const-input gives " + std::string(dtype_name(value.dtype())) +
                               " data but the input is " + std::string(dtype_name(*dtype)));
          poisoned_.insert(name);
          continue;
        }
        bind(name, graph_->add_constant(name, std::make_shared<const Tensor>(std::move(value))));
        continue;
      }
      std::optional<Shape> shape = input_shape(name, tt);
      if (!shape) {
        poisoned_.insert(name);
        continue;
      }
      Value* v = graph_->add_value(name, *dtype, *shape);
      graph_->inputs.push_back(v);
      bind(name, v);
    }
    for (const auto& [name, dims] : options_.input_shapes)
      if (!declared.count(name))
        add_tensor_error(ErrorKind::Usage, name, "--input-shape names an input the model does not have");
    for (const auto& [name, tensor] : options_.const_inputs)
      if (!declared.count(name))
        add_tensor_error(ErrorKind::Usage, name, "--const-input names an input the model does not have");
  }

  std::optional<Shape> input_shape(const std::string& name, const onnx::TypeProto::Tensor& tt) {
    auto pinned = options_.input_shapes.find(name);
    if (!tt.has_shape()) {
      if (pinned != options_.input_shapes.end()) return Shape(pinned->second);
      add_tensor_error(ErrorKind::NotStatic, name,
                       "graph input has no declared shape; give it with --input-shape " + name + "=DIMS");
      return std::nullopt;
    }
    std::vector<int64_t> dims;
    std::vector<std::string> symbolic;
    for (int i = 0; i < tt.shape().dim_size(); ++i) {
      const auto& d = tt.shape().dim(i);
      if (d.has_dim_value() && d.dim_value() >= 0) {
        dims.push_back(d.dim_value());
      } else {
        dims.push_back(-1);
        symbolic.push_back("dim " + std::to_string(i) + (d.has_dim_param() ? " ('" + d.dim_param() + "')" : ""));
      }
    }
    if (pinned != options_.input_shapes.end()) {
      const std::vector<int64_t>& want = pinned->second;
      bool ok = want.size() == dims.size();
      for (size_t i = 0; ok && i < dims.size(); ++i) ok = dims[i] < 0 || dims[i] == want[i];
      if (!ok) {
        add_tensor_error(ErrorKind::Usage, name,
                         "--input-shape " + Shape(want).to_string() + " does not match the declared shape " +
                             describe_dims(dims));
        return std::nullopt;
      }
      return Shape(want);
    }
    if (!symbolic.empty()) {
      std::string list;
      for (const auto& s : symbolic) list += (list.empty() ? "" : ", ") + s;
      add_tensor_error(ErrorKind::NotStatic, name,
                       "graph input has symbolic dimensions (" + list + ", shape " + describe_dims(dims) +
                           "); pin them with --input-shape " + name + "=DIMS");
      return std::nullopt;
    }
    return Shape(dims);
  }

  static std::string describe_dims(const std::vector<int64_t>& dims) {
    std::string s;
    for (size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + (dims[i] < 0 ? std::string("?") : std::to_string(dims[i]));
    return dims.empty() ? "scalar" : s;
  }

  void import_node(const PendingNode& pending) {
    const onnx::NodeProto& n = pending.proto;
    std::string domain = normalize_domain(n.domain());
    auto opset_it = pending.opsets->find(domain);
    int64_t opset = opset_it == pending.opsets->end() ? 0 : opset_it->second;

    std::vector<Value*> inputs;
    for (const auto& name : n.input()) {
      if (name.empty()) {
        inputs.push_back(nullptr);
        continue;
      }
      if (poisoned_.count(name)) {
        poison_outputs(n);  // already reported where it went wrong
        return;
      }
      auto it = env_.find(name);
      if (it == env_.end()) {
        add_node_error(pending, ErrorKind::InvalidModel, "input '" + name + "' is not produced by any earlier node, initializer or graph input", opset);
        poison_outputs(n);
        return;
      }
      inputs.push_back(it->second);
    }

    auto function = functions_.find({domain, n.op_type()});
    if (function != functions_.end()) {
      expand_function(pending, *function->second);
      return;
    }
    if (opset_it == pending.opsets->end()) {
      add_node_error(pending, ErrorKind::InvalidModel, "the model imports no opset for domain '" + domain + "'");
      poison_outputs(n);
      return;
    }
    if (domain.empty() && n.op_type() == "Constant") {
      import_constant(pending, opset);
      return;
    }
    const OpDef* op = find_op(domain, n.op_type());
    if (!op) {
      if (!expand_schema_function(pending, opset, inputs)) {
        add_node_error(pending, ErrorKind::Unsupported, "operator is not supported by Mote", opset);
        poison_outputs(n);
      }
      return;
    }

    std::unique_ptr<Attrs> attrs = op->make_attrs();
    std::vector<std::string> problems = read_attributes(n, *attrs, model_.base_dir);
    if (!problems.empty()) {
      for (const auto& p : problems) add_node_error(pending, ErrorKind::Unsupported, p, opset);
      poison_outputs(n);
      return;
    }
    std::vector<Value*> outputs;
    for (const auto& name : n.output()) {
      if (name.empty()) {
        outputs.push_back(nullptr);
        continue;
      }
      if (env_.count(name)) {
        add_node_error(pending, ErrorKind::InvalidModel, "output '" + name + "' is already defined elsewhere", opset);
        poison_outputs(n);
        return;
      }
      Value* v = graph_->add_value(name, DType::Float32, Shape{});
      outputs.push_back(v);
    }
    Node* node = graph_->add_node(op, n.name().empty() ? pending.label : n.name(), std::move(attrs),
                                  inputs, outputs, static_cast<int>(opset));
    try {
      InferContext context(*graph_, *node, [this](Value* v) { return fold_to_constant(*graph_, v); });
      op->infer(context);
    } catch (const UserError& e) {
      for (Diagnostic d : e.diagnostics()) {
        if (d.node.empty()) {
          d.node = node->label();
          d.op = node->op_name();
          d.opset = node->opset;
        }
        add(d);
      }
      graph_->remove_node(node);
      poison_outputs(n);
      return;
    }
    for (int i = 0; i < n.output_size(); ++i)
      if (!n.output(i).empty()) bind(n.output(i), outputs[static_cast<size_t>(i)]);
    // Ops whose value the shape rule already knows (Shape, Size) fold right away.
    bool all_known = !outputs.empty();
    std::vector<TensorPtr> known;
    for (Value* out : outputs) {
      all_known = all_known && out && out->is_constant();
      known.push_back(out ? out->constant : nullptr);
    }
    if (all_known) graph_->fold_node(node, known);
  }

  void import_constant(const PendingNode& pending, int64_t opset) {
    const onnx::NodeProto& n = pending.proto;
    if (n.output_size() != 1 || n.attribute_size() != 1) {
      add_node_error(pending, ErrorKind::InvalidModel, "Constant needs one output and exactly one value attribute", opset);
      poison_outputs(n);
      return;
    }
    const onnx::AttributeProto& a = n.attribute(0);
    std::optional<Tensor> value;
    try {
      if (a.name() == "value") {
        value = tensor_from_proto(a.t(), model_.base_dir);
      } else if (a.name() == "value_float") {
        value = Tensor::scalar<float>(a.f());
      } else if (a.name() == "value_floats") {
        value = Tensor::from_values<float>(Shape{a.floats_size()}, std::vector<float>(a.floats().begin(), a.floats().end()));
      } else if (a.name() == "value_int") {
        value = Tensor::scalar<int64_t>(a.i());
      } else if (a.name() == "value_ints") {
        value = Tensor::from_values<int64_t>(Shape{a.ints_size()}, std::vector<int64_t>(a.ints().begin(), a.ints().end()));
      } else if (a.name() == "sparse_value" || a.name() == "value_string" || a.name() == "value_strings") {
        add_node_error(pending, ErrorKind::Unsupported, "Constant with " + a.name() + " is not supported", opset);
      } else {
        add_node_error(pending, ErrorKind::InvalidModel, "unknown attribute '" + a.name() + "'", opset);
      }
    } catch (const UserError& e) {
      add_node_error(pending, e.kind(), e.diagnostics().front().message, opset);
    }
    if (!value) {
      poison_outputs(n);
      return;
    }
    bind(n.output(0), graph_->add_constant(n.output(0), std::make_shared<const Tensor>(std::move(*value))));
  }

  // Inlines a function body in place of the calling node: formal inputs/outputs are renamed to
  // the caller's tensors, internal tensors get a unique prefix, attribute references resolve.
  // `schema` (for ops ONNX defines as functions) supplies defaults of attributes the caller
  // leaves out.
  void inline_body(const PendingNode& caller, const onnx::FunctionProto& body,
                   std::shared_ptr<const OpsetMap> opsets, const onnx::OpSchema* schema = nullptr) {
    if (caller.depth >= kMaxFunctionDepth) {
      add_node_error(caller, ErrorKind::InvalidModel, "functions nest more than " + std::to_string(kMaxFunctionDepth) + " deep (recursive function?)");
      poison_outputs(caller.proto);
      return;
    }
    const onnx::NodeProto& call = caller.proto;
    std::unordered_map<std::string, std::string> rename;
    for (int i = 0; i < body.input_size(); ++i)
      rename[body.input(i)] = i < call.input_size() ? call.input(i) : std::string();
    std::string prefix = caller.label + "/" + std::to_string(expansion_counter_++) + "/";
    for (int i = 0; i < body.output_size(); ++i)
      rename[body.output(i)] = i < call.output_size() && !call.output(i).empty() ? call.output(i) : prefix + body.output(i);
    auto mapped = [&](const std::string& name) {
      if (name.empty()) return name;
      auto it = rename.find(name);
      return it != rename.end() ? it->second : prefix + name;
    };
    std::vector<PendingNode> expanded;
    for (int i = 0; i < body.node_size(); ++i) {
      onnx::NodeProto node = body.node(i);
      for (auto& in : *node.mutable_input()) in = mapped(in);
      for (auto& out : *node.mutable_output()) out = mapped(out);
      auto* attributes = node.mutable_attribute();
      for (int a = attributes->size() - 1; a >= 0; --a) {
        onnx::AttributeProto& attr = attributes->at(a);
        if (attr.ref_attr_name().empty()) continue;
        const onnx::AttributeProto* given = nullptr;
        for (const auto& ca : call.attribute())
          if (ca.name() == attr.ref_attr_name()) given = &ca;
        if (!given && schema) {
          auto it = schema->attributes().find(attr.ref_attr_name());
          if (it != schema->attributes().end() && it->second.default_value.type() != onnx::AttributeProto::UNDEFINED)
            given = &it->second.default_value;
        }
        if (given) {
          std::string name = attr.name();
          attr = *given;
          attr.set_name(name);
        } else {
          attributes->DeleteSubrange(a, 1);  // not given by the caller: the op's default applies
        }
      }
      std::string label = prefix + (node.name().empty() ? node.op_type() + std::to_string(i) : node.name());
      node.set_name(label);
      expanded.push_back({node, opsets, caller.depth + 1, label});
    }
    for (auto it = expanded.rbegin(); it != expanded.rend(); ++it) work_.push_front(std::move(*it));
  }

  std::shared_ptr<const OpsetMap> body_opsets(const PendingNode& caller, const onnx::FunctionProto& body) {
    if (body.opset_import_size() == 0) return caller.opsets;
    auto merged = std::make_shared<OpsetMap>(*caller.opsets);
    for (const auto& o : body.opset_import()) (*merged)[normalize_domain(o.domain())] = o.version();
    return merged;
  }

  void expand_function(const PendingNode& caller, const onnx::FunctionProto& function) {
    inline_body(caller, function, body_opsets(caller, function));
  }

  // Ops ONNX itself defines as a function of simpler ops expand into those when Mote has no
  // kernel of its own for them.
  bool expand_schema_function(const PendingNode& caller, int64_t opset, const std::vector<Value*>& inputs) {
    const onnx::NodeProto& n = caller.proto;
    const onnx::OpSchema* schema =
        onnx::OpSchemaRegistry::Schema(n.op_type(), static_cast<int>(opset), normalize_domain(n.domain()));
    if (!schema) return false;
    onnx::FunctionProto body;
    if (schema->HasFunction()) {
      body = *schema->GetFunction();
    } else if (schema->HasContextDependentFunction()) {
      std::vector<onnx::TypeProto> types;
      for (const Value* v : inputs) {
        onnx::TypeProto t;
        if (v) {
          auto* tt = t.mutable_tensor_type();
          tt->set_elem_type(dtype_to_onnx(v->dtype));
          auto* shape = tt->mutable_shape();
          for (int64_t d : v->shape.dims()) shape->add_dim()->set_dim_value(d);
        }
        types.push_back(t);
      }
      onnx::FunctionBodyBuildContextImpl context(n, types);
      try {
        if (!schema->BuildContextDependentFunction(context, body)) return false;
      } catch (const std::exception&) {
        return false;
      }
    } else {
      return false;
    }
    inline_body(caller, body, body_opsets(caller, body), schema);
    return true;
  }

  void import_outputs(const onnx::GraphProto& g) {
    for (const auto& out : g.output()) {
      if (poisoned_.count(out.name())) continue;
      auto it = env_.find(out.name());
      if (it == env_.end()) {
        add_tensor_error(ErrorKind::InvalidModel, out.name(), "graph output is not produced by any node");
        continue;
      }
      if (!out.type().has_tensor_type()) {
        add_tensor_error(ErrorKind::Unsupported, out.name(), "graph output is not a tensor");
        continue;
      }
      graph_->outputs.push_back(it->second);
    }
  }

  // ONNX shape inference and Mote's own shape rules must agree wherever ONNX got a result. A
  // disagreement on a type the model declares itself (an input whose initializer says
  // otherwise, an output its op does not compute) is the model's: ONNX keeps declarations it
  // cannot confirm and propagates them downstream, so those are reported alone. Anywhere else
  // a disagreement is a bug in a Mote shape rule.
  void cross_check_shapes() {
    std::string problems;
    std::vector<Diagnostic> wrong_declarations;
    for (const auto& [name, inferred] : model_.inferred) {
      auto it = env_.find(name);
      if (it == env_.end()) continue;
      const Value* v = it->second;
      std::optional<DType> dtype = dtype_from_onnx(inferred.elem_type);
      std::string onnx_type;
      if (dtype && *dtype != v->dtype) onnx_type = std::string(dtype_name(*dtype));
      else if (inferred.dims && *inferred.dims != v->shape.dims()) onnx_type = Shape(*inferred.dims).to_string();
      if (onnx_type.empty()) continue;
      const std::string mote_type = std::string(dtype_name(v->dtype)) + "[" + v->shape.to_string() + "]";
      if (!model_.declared.count(name)) {
        problems += "\n  '" + name + "': ONNX infers " + onnx_type + ", Mote " + mote_type;
      } else if (v->producer) {
        wrong_declarations.push_back(node_diagnostic(*v->producer, ErrorKind::InvalidModel,
                                                     "the model declares '" + name + "' as " + onnx_type +
                                                         ", but the op computes " + mote_type));
      } else {
        Diagnostic d;
        d.kind = ErrorKind::InvalidModel;
        d.tensor = name;
        d.message = "the model declares '" + name + "' as " + onnx_type + ", but its data is " + mote_type;
        wrong_declarations.push_back(d);
      }
    }
    if (!wrong_declarations.empty()) throw UserError(wrong_declarations, model_.display_name);
    if (!problems.empty())
      throw InternalError(model_.display_name + ": Mote's shape rules disagree with ONNX shape inference:" + problems);
  }

  const LoadedModel& model_;
  const ImportOptions& options_;
  std::unique_ptr<Graph> graph_;
  std::unordered_map<std::string, Value*> env_;
  std::unordered_set<std::string> poisoned_;
  std::vector<Diagnostic> diagnostics_;
  std::map<std::pair<std::string, std::string>, const onnx::FunctionProto*> functions_;
  std::deque<PendingNode> work_;
  int expansion_counter_ = 0;
};

}  // namespace

std::unique_ptr<Graph> import_model(const LoadedModel& model, const ImportOptions& options) {
  return Importer(model, options).run();
}

}  // namespace mote::onnx_frontend
