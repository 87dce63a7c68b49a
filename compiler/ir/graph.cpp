#include "compiler/ir/graph.h"

#include <algorithm>
#include <unordered_set>

#include "compiler/ir/errors.h"
#include "compiler/ops/op_def.h"

namespace mote {

std::string Value::describe() const {
  return "'" + name + "' " + std::string(dtype_name(dtype)) + "[" + shape.to_string() + "]";
}

std::string Node::op_name() const {
  if (!op) return "?";
  std::string domain = op->domain;
  return domain.empty() ? std::string(op->name) : domain + "." + op->name;
}

std::string Node::label() const { return name.empty() ? "#" + std::to_string(id) : name; }

std::string Graph::unique_name(const std::string& base) {
  std::string name = base.empty() ? "t" : base;
  if (!by_name_.count(name)) return name;
  for (int i = 1;; ++i) {
    std::string candidate = name + "_" + std::to_string(i);
    if (!by_name_.count(candidate)) return candidate;
  }
}

Value* Graph::add_value(const std::string& name, DType dtype, Shape shape) {
  auto value = std::make_unique<Value>();
  value->id = next_value_id_++;
  value->name = unique_name(name);
  value->dtype = dtype;
  value->shape = std::move(shape);
  Value* raw = value.get();
  by_name_[raw->name] = raw;
  values_.push_back(std::move(value));
  return raw;
}

Value* Graph::add_constant(const std::string& name, TensorPtr tensor) {
  Value* v = add_value(name, tensor->dtype(), tensor->shape());
  v->constant = std::move(tensor);
  return v;
}

Value* Graph::find_value(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

Node* Graph::add_node(const OpDef* op, std::string name, std::unique_ptr<Attrs> attrs,
                      std::vector<Value*> inputs, std::vector<Value*> outputs, int opset,
                      const Node* before) {
  auto node = std::make_unique<Node>();
  node->id = next_node_id_++;
  node->name = std::move(name);
  node->op = op;
  node->opset = opset;
  node->attrs = attrs ? std::move(attrs) : std::make_unique<NoAttrs>();
  node->inputs = std::move(inputs);
  node->outputs = std::move(outputs);
  Node* raw = node.get();
  for (Value* out : raw->outputs)
    if (out) out->producer = raw;
  auto at = nodes_.end();
  if (before)
    at = std::find_if(nodes_.begin(), nodes_.end(),
                      [&](const std::unique_ptr<Node>& n) { return n.get() == before; });
  nodes_.insert(at, std::move(node));
  return raw;
}

void Graph::fold_node(Node* node, const std::vector<TensorPtr>& results) {
  MOTE_CHECK(results.size() == node->outputs.size(), "fold_node: result count");
  for (size_t i = 0; i < results.size(); ++i) {
    Value* out = node->outputs[i];
    if (!out) continue;
    out->constant = results[i];
    out->producer = nullptr;
  }
  node->outputs.clear();
  remove_node(node);
}

void Graph::replace_uses(Value* from, Value* to) {
  for (auto& node : nodes_)
    for (Value*& in : node->inputs)
      if (in == from) in = to;
  for (Value*& out : outputs)
    if (out == from) out = to;
}

void Graph::remove_node(Node* node) {
  for (Value* out : node->outputs)
    if (out && out->producer == node) out->producer = nullptr;
  nodes_.erase(std::remove_if(nodes_.begin(), nodes_.end(),
                              [&](const std::unique_ptr<Node>& n) { return n.get() == node; }),
               nodes_.end());
}

void Graph::remove_unused_values() {
  std::unordered_set<const Value*> live(inputs.begin(), inputs.end());
  live.insert(outputs.begin(), outputs.end());
  for (auto& node : nodes_) {
    live.insert(node->inputs.begin(), node->inputs.end());
    live.insert(node->outputs.begin(), node->outputs.end());
  }
  auto dead = [&](const std::unique_ptr<Value>& v) { return !live.count(v.get()); };
  for (auto& v : values_)
    if (dead(v)) by_name_.erase(v->name);
  values_.erase(std::remove_if(values_.begin(), values_.end(), dead), values_.end());
}

void Graph::reorder(const std::vector<Node*>& order) {
  MOTE_CHECK(order.size() == nodes_.size(), "reorder: not a permutation");
  std::unordered_map<const Node*, std::unique_ptr<Node>> owned;
  for (auto& n : nodes_) owned[n.get()] = std::move(n);
  nodes_.clear();
  for (Node* n : order) {
    auto it = owned.find(n);
    MOTE_CHECK(it != owned.end() && it->second, "reorder: not a permutation");
    nodes_.push_back(std::move(it->second));
  }
}

std::unordered_map<const Value*, std::vector<Node*>> Graph::users() const {
  std::unordered_map<const Value*, std::vector<Node*>> result;
  for (auto& node : nodes_)
    for (Value* in : node->inputs)
      if (in) {
        auto& list = result[in];
        if (list.empty() || list.back() != node.get()) list.push_back(node.get());
      }
  return result;
}

bool Graph::is_graph_output(const Value* v) const {
  return std::find(outputs.begin(), outputs.end(), v) != outputs.end();
}

bool Graph::is_graph_input(const Value* v) const {
  return std::find(inputs.begin(), inputs.end(), v) != inputs.end();
}

std::unique_ptr<Graph> Graph::clone() const {
  auto copy = std::make_unique<Graph>();
  copy->name = name;
  copy->metadata = metadata;
  copy->arena_bytes = arena_bytes;
  copy->memory = memory;
  copy->next_value_id_ = next_value_id_;
  copy->next_node_id_ = next_node_id_;
  std::unordered_map<const Value*, Value*> value_map;
  for (auto& v : values_) {
    auto nv = std::make_unique<Value>(*v);
    nv->producer = nullptr;
    value_map[v.get()] = nv.get();
    copy->by_name_[nv->name] = nv.get();
    copy->values_.push_back(std::move(nv));
  }
  auto map_value = [&](Value* v) -> Value* { return v ? value_map.at(v) : nullptr; };
  for (auto& n : nodes_) {
    auto nn = std::make_unique<Node>();
    nn->id = n->id;
    nn->name = n->name;
    nn->op = n->op;
    nn->opset = n->opset;
    nn->attrs = n->attrs->clone();
    nn->kernels = n->kernels;
    nn->activation = n->activation;
    for (Value* in : n->inputs) nn->inputs.push_back(map_value(in));
    for (Value* out : n->outputs) {
      Value* mapped = map_value(out);
      if (mapped) mapped->producer = nn.get();
      nn->outputs.push_back(mapped);
    }
    copy->nodes_.push_back(std::move(nn));
  }
  for (Value* v : inputs) copy->inputs.push_back(map_value(v));
  for (Value* v : outputs) copy->outputs.push_back(map_value(v));
  return copy;
}

}  // namespace mote
