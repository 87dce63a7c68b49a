#!/usr/bin/python3
"""Trains the anomaly sample (a fully connected autoencoder on 640 log-mel features, the
MLPerf Tiny / DCASE 2020 task 2 design at a third of its width, so that its int8 weights fit the
128 KiB flash of the Cortex-M4 reference board) and writes everything the project commits for it.

The data is synthetic, and said so everywhere it is reported: there is no machine-sound set
among Debian's packages. Each clip is one second of a simulated fan at 16 kHz: a rotation
frequency between 20 and 30 Hz with its blade-pass harmonics, slow load fluctuation and
broadband airflow noise. Anomalous clips add one fault: a worn bearing (an amplitude-modulated
tone between 2.5 and 6 kHz), an imbalance (strong modulation at the rotation frequency and an
extra half-order line) or rubbing (short broadband bursts once per revolution). Features, as
in DCASE: log mel energies, 128 mels, 1024-sample frames with a 512 hop, five consecutive frames
concatenated (640 values). The autoencoder is trained on normal clips only; its anomaly score
is the mean squared reconstruction error, and the threshold is the 95th percentile of the
scores of normal windows held out from training.

Writes, next to this script:
  model.onnx              the float model (opset 13), input features 1x640, output reconstruction 1x640
  test_data_set_{0,1,2}/  held-out windows and PyTorch's outputs (ONNX test format)
  holdout.npz             held-out windows (x), 1 = anomalous (y)
  calibration.npz         200 normal training windows for int8 calibration
  metrics.json            threshold, float AUC and detection figures on the held-out windows
  demo_data.h             eight held-out windows (four normal, four anomalous), PyTorch's scores
                          and the threshold, for main.c

Run with Debian's python3 (python3-torch, python3-onnx, python3-numpy, python3-sklearn).
"""
import os
import sys

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import sample_tools  # noqa: E402

RATE = 16000
FRAMES_PER_WINDOW = 5
MELS = 128
FAULTS = ["bearing", "imbalance", "rubbing"]


def fan_clip(rng, fault=None):
    t = np.arange(RATE) / RATE
    rotation = rng.uniform(20, 30)
    blades = rng.integers(5, 8)
    load = 1.0 + 0.1 * np.sin(2 * np.pi * rng.uniform(0.2, 1.0) * t + rng.uniform(0, 6))
    signal = np.zeros_like(t)
    for harmonic in range(1, 9):
        amplitude = rng.uniform(0.5, 1.0) / harmonic
        signal += amplitude * np.sin(2 * np.pi * blades * rotation * harmonic * t + rng.uniform(0, 6))
    signal += 0.3 * np.sin(2 * np.pi * rotation * t + rng.uniform(0, 6))
    signal *= load
    noise = np.cumsum(rng.normal(0, 1, len(t)))  # brown-ish airflow noise, then whitened a little
    noise = np.diff(noise, prepend=0) * 0.5 + (noise - noise.mean()) / (np.abs(noise).max() + 1e-9) * 0.5
    signal += rng.uniform(0.2, 0.4) * noise
    if fault == "bearing":
        tone = rng.uniform(2500, 6000)
        signal += rng.uniform(0.3, 0.8) * (1 + np.sin(2 * np.pi * rotation * t)) * np.sin(2 * np.pi * tone * t)
    elif fault == "imbalance":
        signal *= 1.0 + rng.uniform(0.4, 0.8) * np.sin(2 * np.pi * rotation * t)
        signal += rng.uniform(0.3, 0.6) * np.sin(2 * np.pi * blades * rotation * 1.5 * t)
    elif fault == "rubbing":
        period = int(RATE / rotation)
        for start in range(rng.integers(0, period), len(t) - 200, period):
            signal[start:start + 160] += rng.uniform(1.0, 2.0) * rng.normal(0, 1, 160) * np.hanning(160)
    return signal * rng.uniform(0.5, 2.0)  # microphone gain


def windows(clip):
    energies = sample_tools.log_mel(clip, RATE, 1024, 512, 1024, MELS)
    count = len(energies) - FRAMES_PER_WINDOW + 1
    return np.stack([energies[i:i + FRAMES_PER_WINDOW].reshape(-1) for i in range(0, count, 2)]).astype(np.float32)


def make_windows(rng, clips, fault_of_clip):
    return np.concatenate([windows(fan_clip(rng, fault_of_clip(k))) for k in range(clips)])


class Autoencoder(torch.nn.Module):
    """640-64-64-8-64-64-640 (MLPerf Tiny's is 640-128-128-128-128-8-128-128-128-128-640,
    270 k parameters: too many for a 128 KiB flash even in int8)."""

    def __init__(self):
        super().__init__()
        sizes = [640, 64, 64, 8, 64, 64]
        layers = []
        for a, b in zip(sizes, sizes[1:]):
            layers += [torch.nn.Linear(a, b), torch.nn.BatchNorm1d(b), torch.nn.ReLU()]
        layers.append(torch.nn.Linear(64, 640))
        self.net = torch.nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def scores(model, x):
    return ((sample_tools.predict(model, x) - x) ** 2).mean(axis=1)


def main():
    sample_tools.seed_everything(0)
    rng = np.random.default_rng(0)
    train = make_windows(rng, 300, lambda k: None)
    normal_check = make_windows(rng, 120, lambda k: None)
    test_normal = make_windows(rng, 60, lambda k: None)
    test_anomalous = make_windows(rng, 60, lambda k: FAULTS[k % 3])
    model = sample_tools.train(Autoencoder(), train, train, torch.nn.functional.mse_loss, epochs=40, lr=1e-3)
    threshold = float(np.percentile(scores(model, normal_check), 95))

    x_test = np.concatenate([test_normal, test_anomalous])
    y_test = np.concatenate([np.zeros(len(test_normal)), np.ones(len(test_anomalous))]).astype(np.int64)
    s = scores(model, x_test)
    auc = float(roc_auc_score(y_test, s))
    flagged = s > threshold
    recall = float(flagged[y_test == 1].mean())
    false_alarms = float(flagged[y_test == 0].mean())
    print(f"float AUC {auc:.4f}; threshold {threshold:.4f}: {recall:.3f} of anomalous windows flagged, "
          f"{false_alarms:.3f} of normal ones")

    sample_tools.export(model, x_test[:1], os.path.join(HERE, "model.onnx"), "features", "reconstruction")
    order = rng.permutation(len(x_test))
    sample_tools.write_test_sets(HERE, model, x_test[order], "features", "reconstruction")
    np.savez_compressed(os.path.join(HERE, "holdout.npz"), x=x_test, y=y_test)
    np.savez_compressed(os.path.join(HERE, "calibration.npz"), x=train[rng.choice(len(train), 200, replace=False)])
    demo = np.concatenate([np.arange(4) * 37, len(test_normal) + np.arange(4) * 41])
    sample_tools.write_demo_header(
        os.path.join(HERE, "demo_data.h"),
        "eight held-out windows (four normal, four anomalous), PyTorch's anomaly scores and the threshold",
        {"demo_features": x_test[demo], "demo_expected_score": s[demo][:, None]},
        {"DEMO_COUNT": 8, "DEMO_LABELS": sample_tools.c_list(y_test[demo]),
         "ANOMALY_THRESHOLD": float(np.float32(threshold)).hex() + "f"})
    sample_tools.write_json(os.path.join(HERE, "metrics.json"),
                            {"data": "synthetic (make_sample.py)", "threshold": threshold, "float_auc": auc,
                             "float_anomalies_flagged": recall, "float_false_alarms": false_alarms,
                             "holdout_normal": int(len(test_normal)), "holdout_anomalous": int(len(test_anomalous)),
                             "train_windows": int(len(train))})


if __name__ == "__main__":
    main()
