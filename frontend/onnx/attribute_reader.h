// Parses an ONNX node's attributes into the op's typed attribute struct, using the field list
// the struct declares. Every problem is collected: missing required attributes, wrong types,
// bad enum spellings and attributes the op does not know.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "compiler/ir/attrs.h"

namespace onnx {
class NodeProto;
}

namespace mote::onnx_frontend {

// Returns the problems found (empty on success); `attrs` holds the parsed values.
std::vector<std::string> read_attributes(const onnx::NodeProto& node, Attrs& attrs,
                                         const std::filesystem::path& base_dir);

}  // namespace mote::onnx_frontend
