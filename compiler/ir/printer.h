// Text form of the IR, for --dump-ir-after and test failure messages.
#pragma once

#include <string>

#include "compiler/ir/graph.h"

namespace mote {

std::string print_graph(const Graph& graph);
std::string print_node(const Node& node);
// Equal for two attribute sets exactly when they are equal (tensor attributes by identity).
std::string attrs_key(const Attrs& attrs);

}  // namespace mote
