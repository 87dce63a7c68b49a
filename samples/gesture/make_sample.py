#!/usr/bin/python3
"""Trains the gesture sample (a 1-D CNN on 3-axis accelerometer windows) and writes everything
the project commits for it.

The data is synthetic, and said so everywhere it is reported: there is no accelerometer
gesture set among Debian's packages. Each window is 128 samples at 50 Hz (2.56 s) of a 3-axis
accelerometer in g, made from a motion in the world frame plus gravity, seen through a device
held at a random tilt (up to 35 degrees), with sensor noise and a random bias per axis.
Classes: idle (hand-held tremor and slow drift), shake (4-7 Hz side to side), circle (one or two
loops in the vertical plane), lift (a fast raise and stop) and punch (a forward jab with an
impact). Timing, amplitude, speed and orientation are random per window.

Writes, next to this script:
  model.onnx              the float model (opset 13), input accel 1x3x128, output logits 1x5
  test_data_set_{0,1,2}/  held-out windows and PyTorch's outputs (ONNX test format)
  holdout.npz             1000 held-out windows (x) with labels (y)
  calibration.npz         200 training windows for int8 calibration
  metrics.json            float accuracy on the held-out windows
  demo_data.h             eight held-out windows, labels and PyTorch's logits, for main.c

Run with Debian's python3 (python3-torch, python3-onnx, python3-numpy).
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import sample_tools  # noqa: E402

RATE_HZ = 50.0
WINDOW = 128
CLASSES = ["idle", "shake", "circle", "lift", "punch"]


def random_rotation(rng, max_tilt_degrees):
    """A rotation that tilts by up to max_tilt_degrees about a random horizontal axis and turns
    freely about the vertical one."""
    yaw = rng.uniform(0, 2 * np.pi)
    tilt = np.radians(rng.uniform(0, max_tilt_degrees))
    axis_angle = rng.uniform(0, 2 * np.pi)
    axis = np.array([np.cos(axis_angle), np.sin(axis_angle), 0.0])
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    tilt_matrix = np.eye(3) + np.sin(tilt) * k + (1 - np.cos(tilt)) * k @ k
    c, s = np.cos(yaw), np.sin(yaw)
    yaw_matrix = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    return tilt_matrix @ yaw_matrix


def motion(rng, label, t):
    """World-frame acceleration (x: right, y: forward, z: up) in g, shape 3 x len(t)."""
    a = np.zeros((3, len(t)))
    start = rng.uniform(0.1, 1.0)
    if label == "idle":
        for axis in range(3):
            drift = np.cumsum(rng.normal(0, 0.004, len(t)))
            a[axis] = drift - drift.mean() + 0.03 * np.sin(2 * np.pi * rng.uniform(7, 11) * t + rng.uniform(0, 6))
    elif label == "shake":
        f, cycles = rng.uniform(4, 7), rng.integers(3, 7)
        duration = cycles / f
        inside = (t >= start) & (t < start + duration)
        phase = 2 * np.pi * f * (t - start)
        envelope = np.sin(np.pi * (t - start) / duration) ** 2
        a[0, inside] = rng.uniform(0.8, 2.0) * (np.sin(phase) * envelope)[inside]
        a[1, inside] = 0.2 * a[0, inside] * rng.uniform(-1, 1)
    elif label == "circle":
        f, loops = rng.uniform(0.9, 1.8), rng.integers(1, 3)
        duration = loops / f
        inside = (t >= start) & (t < start + duration)
        phase = 2 * np.pi * f * (t - start) * rng.choice([-1, 1])
        amplitude = rng.uniform(0.4, 1.0) * np.sqrt(np.clip(np.sin(np.pi * (t - start) / duration), 0, None))
        a[0, inside] = (amplitude * np.cos(phase))[inside]
        a[2, inside] = (amplitude * np.sin(phase))[inside]
    elif label == "lift":
        duration = rng.uniform(0.25, 0.6)
        inside = (t >= start) & (t < start + duration)
        a[2, inside] = rng.uniform(0.8, 2.0) * np.sin(2 * np.pi * (t - start) / duration)[inside]
    elif label == "punch":
        centre, width = start + 0.2, rng.uniform(0.04, 0.08)
        a[1] = rng.uniform(1.0, 2.5) * np.exp(-0.5 * ((t - centre) / width) ** 2)
        impact = t - (centre + 2.5 * width)
        a[1] -= rng.uniform(1.5, 3.5) * np.exp(-0.5 * (impact / (0.4 * width)) ** 2)
        a[2] = 0.15 * a[1] * rng.uniform(-1, 1)
    return a


def make_window(rng, label):
    t = np.arange(WINDOW) / RATE_HZ
    world = motion(rng, label, t)
    world[2] += 1.0  # the accelerometer reads +1 g upwards at rest
    device = random_rotation(rng, 35).T @ world
    device += rng.normal(0, 0.02, device.shape) + rng.normal(0, 0.03, (3, 1))
    return device.astype(np.float32)


def make_set(rng, per_class):
    x, y = [], []
    for index, label in enumerate(CLASSES):
        for _ in range(per_class):
            x.append(make_window(rng, label))
            y.append(index)
    order = rng.permutation(len(x))
    return np.stack(x)[order], np.array(y, dtype=np.int64)[order]


class GestureCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv1d(3, 16, 5, padding=2), torch.nn.BatchNorm1d(16), torch.nn.ReLU(), torch.nn.MaxPool1d(2),
            torch.nn.Conv1d(16, 32, 5, padding=2), torch.nn.BatchNorm1d(32), torch.nn.ReLU(), torch.nn.MaxPool1d(2),
            torch.nn.Conv1d(32, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool1d(1))
        self.classifier = torch.nn.Linear(32, len(CLASSES))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def main():
    sample_tools.seed_everything(0)
    rng = np.random.default_rng(0)
    x_train, y_train = make_set(rng, 600)
    x_test, y_test = make_set(rng, 200)

    model = sample_tools.train(GestureCNN(), x_train, y_train, torch.nn.functional.cross_entropy, epochs=30)
    logits = sample_tools.save_classifier(HERE, model, (x_train, y_train), (x_test, y_test), "accel", "windows",
                                          {"data": "synthetic (make_sample.py)", "classes": CLASSES})
    demo = slice(0, 8)
    sample_tools.write_demo_header(
        os.path.join(HERE, "demo_data.h"), "eight held-out accelerometer windows and PyTorch's logits",
        {"demo_windows": x_test[demo], "demo_expected": logits[demo]},
        {"DEMO_COUNT": 8, "DEMO_LABELS": sample_tools.c_list(y_test[demo]), "GESTURE_NAMES": sample_tools.c_list(CLASSES)})

if __name__ == "__main__":
    main()
