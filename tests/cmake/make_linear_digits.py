"""Writes linear_digits.onnx: a linear classifier with the digits CNN's input and output
(image 1x1x8x8 -> logits 1x10), so a firmware build can swap one model for the other.
The weights are a fixed pseudo-random pattern, not trained: the package test only needs a
model whose generated code differs. Run with Debian's python3 (python3-onnx, python3-numpy)."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(8)
weights = rng.standard_normal((64, 10)).astype(np.float32) * 0.1
bias = np.zeros(10, dtype=np.float32)
graph = helper.make_graph(
    [
        helper.make_node("Flatten", ["image"], ["flat"], name="flatten"),
        helper.make_node("Gemm", ["flat", "weights", "bias"], ["logits"], name="classifier"),
    ],
    "linear_digits",
    [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, 8, 8])],
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])],
    [numpy_helper.from_array(weights, "weights"), numpy_helper.from_array(bias, "bias")],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_linear_digits.py")
onnx.checker.check_model(model)
onnx.save(model, "linear_digits.onnx")
