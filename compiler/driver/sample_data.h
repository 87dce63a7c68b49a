// Representative inputs for calibration and accuracy checks: a .npy file, a .npz archive
// (numpy's savez or savez_compressed) or a folder of ONNX test-data sets (input_K.pb files,
// directly or in test_data_set_*/ subfolders). Arrays hold samples along their first axis.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote {

// A numpy array file's arrays by name ("x" for x.npy inside an archive; the file stem for a
// lone .npy). Throws UserError(Usage) for anything unreadable.
std::map<std::string, Tensor> read_numpy(const std::filesystem::path& path);

// One vector of tensors per sample, in the graph's input order and shapes (float32 inputs get
// the data converted to float). With several inputs, arrays are matched by input name; a
// single input takes the only array.
std::vector<std::vector<Tensor>> load_samples(const std::filesystem::path& path, const Graph& graph);

}  // namespace mote
