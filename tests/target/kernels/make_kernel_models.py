"""Writes the per-kernel test set for the Cortex-M runs: small int8 QDQ models, one per kernel
shape that has its own code path (odd channel and pixel counts, depths that are not a multiple
of four, strides, asymmetric padding, dilation, groups, depthwise 3x3 and other windows, fully
connected). Each folder holds model.onnx and one input; mote-m4-run compares the Cortex-M4
output with the same code evaluated on the host, bit for bit.
Run with Debian's python3 (python3-onnx, python3-numpy): /usr/bin/python3 make_kernel_models.py"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(2026)


def q_dq(name, scale, zero, dtype=np.int8):
    """QuantizeLinear then DequantizeLinear of `name`; returns nodes, initializers, output name."""
    s = numpy_helper.from_array(np.array(scale, dtype=np.float32), name + "_scale")
    z = numpy_helper.from_array(np.array(zero, dtype=dtype), name + "_zero")
    nodes = [
        helper.make_node("QuantizeLinear", [name, s.name, z.name], [name + "_q"], name=name + "_quantize"),
        helper.make_node("DequantizeLinear", [name + "_q", s.name, z.name], [name + "_dq"], name=name + "_dequantize"),
    ]
    return nodes, [s, z], name + "_dq"


def int8_weights(name, values, axis):
    """Symmetric per-channel int8 weights behind a DequantizeLinear."""
    reduce_axes = tuple(i for i in range(values.ndim) if i != axis)
    scale = np.abs(values).max(axis=reduce_axes) / 127.0 + 1e-8
    shape = [1] * values.ndim
    shape[axis] = -1
    q = np.clip(np.round(values / scale.reshape(shape)), -127, 127).astype(np.int8)
    inits = [numpy_helper.from_array(q, name + "_q"), numpy_helper.from_array(scale.astype(np.float32), name + "_scale"),
             numpy_helper.from_array(np.zeros(scale.shape, np.int8), name + "_zero")]
    node = helper.make_node("DequantizeLinear", [name + "_q", name + "_scale", name + "_zero"], [name], name=name + "_dequantize",
                            axis=axis)
    return [node], inits, scale


def int32_bias(name, values, scale):
    q = np.round(values / scale).astype(np.int32)
    inits = [numpy_helper.from_array(q, name + "_q"), numpy_helper.from_array(scale.astype(np.float32), name + "_scale"),
             numpy_helper.from_array(np.zeros(scale.shape, np.int32), name + "_zero")]
    node = helper.make_node("DequantizeLinear", [name + "_q", name + "_scale", name + "_zero"], [name], name=name + "_dequantize",
                            axis=0)
    return [node], inits


def write(folder, nodes, inits, x_shape, y_shape, x):
    graph = helper.make_graph(nodes, folder, [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_kernel_models.py")
    onnx.checker.check_model(model)
    model = onnx.shape_inference.infer_shapes(model)
    os.makedirs(os.path.join(folder, "test_data_set_0"), exist_ok=True)
    onnx.save(model, os.path.join(folder, "model.onnx"))
    with open(os.path.join(folder, "test_data_set_0", "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x.astype(np.float32), "x").SerializeToString())


def conv_model(folder, cin, cout, size, kernel, strides=(1, 1), pads=(0, 0, 0, 0), dilations=(1, 1), group=1, activation=None,
               y_scale=0.11, x_range=6, bias_std=0.5, channel_scale=None):
    """activation: None, "relu" or "relu6" (Clip to [0, 6]: both output bounds inside int8's).
    channel_scale: a factor per output channel for the weights."""
    x_scale, x_zero, y_zero = 0.05, 3, -7
    nodes, inits, xq = q_dq("x", x_scale, x_zero)
    w = rng.standard_normal((cout, cin // group) + tuple(kernel)).astype(np.float32) * 0.3
    if channel_scale is not None:
        w *= np.array(channel_scale, np.float32).reshape((cout,) + (1,) * (w.ndim - 1))
    wn, wi, w_scale = int8_weights("w", w, 0)
    bn, bi = int32_bias("b", rng.standard_normal(cout).astype(np.float32) * bias_std, x_scale * w_scale)
    conv = helper.make_node("Conv", [xq, "w", "b"], ["conv"], name="conv", kernel_shape=list(kernel), strides=list(strides),
                            pads=list(pads), dilations=list(dilations), group=group)
    body = [conv]
    last = "conv"
    if activation == "relu":
        body.append(helper.make_node("Relu", ["conv"], ["relu"], name="relu"))
        last = "relu"
    elif activation == "relu6":
        inits = inits + [numpy_helper.from_array(np.array(0.0, np.float32), "clip_min"),
                         numpy_helper.from_array(np.array(6.0, np.float32), "clip_max")]
        body.append(helper.make_node("Clip", ["conv", "clip_min", "clip_max"], ["relu6"], name="relu6"))
        last = "relu6"
    yn, yi, _ = q_dq(last, y_scale, y_zero)
    out = helper.make_node("Identity", [last + "_dq"], ["y"], name="output")
    h = (size[0] + pads[0] + pads[2] - dilations[0] * (kernel[0] - 1) - 1) // strides[0] + 1
    wd = (size[1] + pads[1] + pads[3] - dilations[1] * (kernel[1] - 1) - 1) // strides[1] + 1
    x = rng.uniform(-x_range, x_range, (1, cin) + tuple(size))
    write(folder, nodes + wn + bn + body + yn + [out], inits + wi + bi + yi, [1, cin] + list(size), [1, cout, h, wd], x)


def fc_model(folder, k, n):
    x_scale, x_zero, y_scale, y_zero = 0.04, -5, 0.2, 9
    nodes, inits, xq = q_dq("x", x_scale, x_zero)
    w = rng.standard_normal((n, k)).astype(np.float32) * 0.2
    wn, wi, w_scale = int8_weights("w", w, 0)
    bn, bi = int32_bias("b", rng.standard_normal(n).astype(np.float32) * 0.5, x_scale * w_scale)
    gemm = helper.make_node("Gemm", [xq, "w", "b"], ["fc"], name="fc", transB=1)
    yn, yi, _ = q_dq("fc", y_scale, y_zero)
    out = helper.make_node("Identity", ["fc_dq"], ["y"], name="output")
    write(folder, nodes + wn + bn + [gemm] + yn + [out], inits + wi + bi + yi, [1, k], [1, n], rng.uniform(-5, 5, (1, k)))


def quantize_model(folder):
    """QuantizeLinear's edges: ties (k + 1/2 steps, rounded to even), saturation on both sides,
    infinities and NaN (the zero point)."""
    nodes, inits, xq = q_dq("x", 0.5, -3)
    out = helper.make_node("Identity", [xq], ["y"], name="output")
    ties = (np.arange(-20, 20) + 0.5) * 0.5
    edges = [62.0, 63.0, 65.5, -64.0, -62.5, -63.0, 1e9, -1e9, 3e38, -3e38, np.inf, -np.inf, np.nan, -0.0, 0.25, -0.25]
    x = np.concatenate([ties, rng.uniform(-80, 80, 8), edges]).reshape(1, -1)
    write(folder, nodes + [out], inits, list(x.shape), list(x.shape), x)


conv_model("conv3x3_odd", cin=3, cout=5, size=(7, 9), kernel=(3, 3), pads=(1, 1, 1, 1), activation="relu")
conv_model("conv1x1_in_place", cin=10, cout=7, size=(5, 5), kernel=(1, 1))
conv_model("conv3x3_stride2_asymmetric_pad", cin=6, cout=8, size=(9, 8), kernel=(3, 3), strides=(2, 2), pads=(0, 1, 1, 0))
conv_model("conv3x3_dilated", cin=4, cout=6, size=(9, 9), kernel=(3, 3), pads=(2, 2, 2, 2), dilations=(2, 2))
conv_model("conv_grouped", cin=4, cout=6, size=(6, 5), kernel=(3, 3), pads=(1, 1, 1, 1), group=2)
conv_model("conv10x4_first_layer", cin=1, cout=9, size=(12, 10), kernel=(10, 4), strides=(2, 2), pads=(4, 1, 5, 1))
conv_model("depthwise3x3", cin=5, cout=5, size=(6, 7), kernel=(3, 3), pads=(1, 1, 1, 1), group=5, activation="relu")
conv_model("depthwise3x3_stride2", cin=4, cout=4, size=(9, 8), kernel=(3, 3), strides=(2, 2), pads=(1, 1, 1, 1), group=4)
conv_model("depthwise5x3_dilated", cin=3, cout=3, size=(10, 9), kernel=(5, 3), pads=(2, 2, 2, 2), dilations=(1, 2), group=3)
fc_model("fully_connected_odd", k=37, n=11)
quantize_model("quantize_edges")
# Depthwise 3x3 rows summed in pairs of outputs: an odd row with stride 2, both clamp bounds; a
# narrow plane whose rows are summed in blocks (11 rows of 3, the last block shorter).
conv_model("depthwise3x3_stride2_odd_relu6", cin=3, cout=3, size=(13, 11), kernel=(3, 3), strides=(2, 2), group=3, activation="relu6")
conv_model("depthwise3x3_narrow_blocks", cin=2, cout=2, size=(27, 3), kernel=(3, 3), pads=(1, 1, 1, 1), group=2)
# Requantization multipliers of 1/4 and more (shift above -2) on some channels: the kernels'
# general requantization instead of Int8Requantization's; an odd pixel count. Such multipliers
# leave room for few input steps: inputs of -1, 0 and 1 step and a small bias.
conv_model("conv1x1_large_requant_scale", cin=8, cout=6, size=(3, 5), kernel=(1, 1), y_scale=7.2e-4, x_range=0.06,
           bias_std=0.01)
# Channels whose weights are 10^5 times smaller than the others': requantization shifts below
# -23 (the zero point is added after the shift), outputs that are bias and zero point.
conv_model("depthwise3x3_faint_channels", cin=4, cout=4, size=(6, 7), kernel=(3, 3), pads=(1, 1, 1, 1), group=4,
           channel_scale=[1, 1e-5, 1, 1e-5])
