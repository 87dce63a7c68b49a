// Small graph rewrites the fusion passes share.
#pragma once

#include "compiler/ir/graph.h"

namespace mote {

// The only node reading `value` (once), or null when it has other readers or is a graph output.
Node* sole_consumer(const Graph& graph, const Value* value);

// `producer` takes over `consumer`'s single output (which keeps its name, so graph outputs and
// the generated API do not change) and `consumer` is removed. The caller has made the
// producer compute what the consumer did.
void absorb_consumer(Graph& graph, Node& producer, Node& consumer);

}  // namespace mote
