#!/usr/bin/env python3
"""Converts one of BeatNet's CRNN models to the little-endian float32 file that
Sources/Media/Audio/BeatNetActivation.swift reads, and holds the numpy reference of the
network that the Swift inference is checked against.

BeatNet (Heydari, Cwitkowitz & Duan, "BeatNet: CRNN and particle filtering for online joint
beat, downbeat and meter tracking", ISMIR 2021; https://github.com/mjhydri/BeatNet) is
licensed CC BY 4.0; its weights ship in its PyPI wheel as BeatNet/models/model_N_weights.pt.
A .pt file is a zip of pickled tensors: it is read here with zipfile + pickle, without torch.

    scripts/convert-beatnet-weights.py [--model 1] [--wheel BeatNet-1.1.3-py3-none-any.whl]
                                       [--out Sources/Media/Audio/Resources/beatnet.bin]
    scripts/convert-beatnet-weights.py --test-vectors     # numpy outputs for the Swift test

Without --wheel the wheel is fetched with `pip download BeatNet==1.1.3 --no-deps`.

The file: b"BNT1", uint32 count of float32 that follow, then the floats in this order —
conv1.weight (2×1×10), conv1.bias (2), linear0.weight (150×262), linear0.bias (150), for each
LSTM layer l in 0, 1: weight_ih_l (600×150), weight_hh_l (600×150), bias_ih_l + bias_hh_l (600)
(gates in PyTorch's order i, f, g, o), linear.weight (3×150), linear.bias (3); then the
filterbank: 136 filters, each as (first bin, number of bins, weights...) over the bins of a
1024-point FFT at 16 kHz (15.625 Hz a bin, the same spacing within 0.1 % as BeatNet's 1411
points at 22.05 kHz; the bins above 8 kHz are dropped). The filters are madmom's
LogarithmicFilterbank(24 bands an octave, 30 Hz – 17 kHz, normalized), as BeatNet uses,
computed here from its definition (madmom is not needed). The features are log10(1 + band
magnitude) and their rise over the previous frame (madmom's LogarithmicSpectrogram and
SpectrogramDifference, as BeatNet stacks them).
"""
import argparse
import io
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DEFAULT_OUT = os.path.join(REPO, "Sources", "Media", "Audio", "Resources", "beatnet.bin")
BINS = 513  # a 1024-point FFT's bins, 0 … 8 kHz at 16 kHz


# ----------------------------------------------------------------------------------------
# Reading a .pt without torch
# ----------------------------------------------------------------------------------------

def load_state_dict(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    prefix = names[0].split("/")[0]
    storages = {}

    def storage(key, dtype):
        if key not in storages:
            storages[key] = np.frombuffer(archive.read(f"{prefix}/data/{key}"), dtype=dtype)
        return storages[key]

    def rebuild_tensor(stored, offset, size, stride, *_):
        array, = stored
        itemsize = array.itemsize
        return np.lib.stride_tricks.as_strided(array[offset:], shape=size,
                                               strides=[s * itemsize for s in stride]).copy()

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if module == "torch._utils" and name == "_rebuild_tensor_v2":
                return rebuild_tensor
            if module == "torch" and name == "FloatStorage":
                return np.float32
            if module == "collections" and name == "OrderedDict":
                import collections
                return collections.OrderedDict
            raise pickle.UnpicklingError(f"unexpected {module}.{name} in the model")

        def persistent_load(self, pid):
            _, dtype, key, _location, _count = pid
            return (storage(key, dtype),)

    return Unpickler(io.BytesIO(archive.read(f"{prefix}/data.pkl"))).load()


def wheel_bytes(wheel, model):
    if wheel is None:
        directory = tempfile.mkdtemp()
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "BeatNet==1.1.3",
                        "-d", directory], check=True)
        wheel = os.path.join(directory, [n for n in os.listdir(directory) if n.endswith(".whl")][0])
    with zipfile.ZipFile(wheel) as w:
        return w.read(f"BeatNet/models/model_{model}_weights.pt")


# ----------------------------------------------------------------------------------------
# madmom's LogarithmicFilterbank (BSD), from its definition
# ----------------------------------------------------------------------------------------

def log_filterbank(bin_frequencies, bands_per_octave=24, fmin=30.0, fmax=17000.0, fref=440.0):
    left = np.floor(np.log2(float(fmin) / fref) * bands_per_octave)
    right = np.ceil(np.log2(float(fmax) / fref) * bands_per_octave)
    frequencies = fref * 2.0 ** (np.arange(left, right) / float(bands_per_octave))
    frequencies = frequencies[np.searchsorted(frequencies, fmin):]
    frequencies = frequencies[:np.searchsorted(frequencies, fmax, "right")]
    # frequencies2bins: the nearest bin of each frequency, unique
    indices = bin_frequencies.searchsorted(frequencies)
    indices = np.clip(indices, 1, len(bin_frequencies) - 1)
    lower = bin_frequencies[indices - 1]
    upper = bin_frequencies[indices]
    indices -= frequencies - lower < upper - frequencies
    bins = np.unique(indices)
    filters = []
    for index in range(len(bins) - 2):
        start, center, stop = bins[index:index + 3]
        if stop - start < 2:  # too small: a one-bin filter at the centre
            center, start, stop = start, start, start + 1
        weights = np.zeros(stop - start, dtype=np.float64)
        rising = center - start
        falling = stop - center
        if rising:
            weights[:rising] = np.linspace(0, 1, rising, endpoint=False)
        if falling:
            weights[rising:] = np.linspace(1, 0, falling, endpoint=False)
        weights /= weights.sum()
        filters.append((int(start), weights))
    return filters


def filterbank():
    # BeatNet's own grid: 1411-point frames at 22.05 kHz, 705 bins of 22050/1410 Hz.
    frequencies = np.fft.fftfreq(705 * 2, 1.0 / 22050)[:705]
    filters = log_filterbank(frequencies)
    assert len(filters) == 136, len(filters)
    # Same bin numbers on the 16 kHz grid; what lies above its last bin is dropped.
    return [(start, weights[:max(0, min(len(weights), BINS - start))]) for start, weights in filters]


# ----------------------------------------------------------------------------------------
# The network, in numpy (the reference for the Swift inference)
# ----------------------------------------------------------------------------------------

def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def forward(state, features):
    """features: (frames, 272) → (frames, 3) softmax of (beat, downbeat, non-beat)."""
    x = features.astype(np.float64)
    frames = x.shape[0]
    w = state["conv1.weight"].astype(np.float64)[:, 0, :]  # (2, 10)
    b = state["conv1.bias"].astype(np.float64)
    conv = np.stack([np.stack([x[:, k:k + 263] * w[c, k] for k in range(10)]).sum(0) + b[c] for c in range(2)], 1)
    conv = np.maximum(conv, 0)                        # (frames, 2, 263)
    pooled = np.maximum(conv[:, :, 0:262:2], conv[:, :, 1:262:2])  # (frames, 2, 131)
    h = pooled.reshape(frames, 262) @ state["linear0.weight"].T.astype(np.float64) + state["linear0.bias"]
    for layer in range(2):
        wi = state[f"lstm.weight_ih_l{layer}"].astype(np.float64)
        wh = state[f"lstm.weight_hh_l{layer}"].astype(np.float64)
        bias = state[f"lstm.bias_ih_l{layer}"].astype(np.float64) + state[f"lstm.bias_hh_l{layer}"]
        projected = h @ wi.T + bias
        hidden = np.zeros(150)
        cell = np.zeros(150)
        out = np.zeros((frames, 150))
        for t in range(frames):
            g = projected[t] + wh @ hidden
            i, f, c, o = sigmoid(g[0:150]), sigmoid(g[150:300]), np.tanh(g[300:450]), sigmoid(g[450:600])
            cell = f * cell + i * c
            hidden = o * np.tanh(cell)
            out[t] = hidden
        h = out
    logits = h @ state["linear.weight"].T.astype(np.float64) + state["linear.bias"]
    e = np.exp(logits - logits.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_features(frames=12):
    """Deterministic features for the Swift test (BeatNetActivationTests): both sides build them alike."""
    t = np.arange(frames)[:, None]
    i = np.arange(272)[None, :]
    return np.abs(np.sin(0.37 * i + 1.3 * t) * (1 + 0.5 * np.cos(0.05 * i * (t + 1)))).astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=int, default=1, choices=(1, 2, 3))
    parser.add_argument("--wheel")
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--test-vectors", action="store_true", help="print the reference outputs for the Swift test")
    args = parser.parse_args()
    state = load_state_dict(wheel_bytes(args.wheel, args.model))
    if args.test_vectors:
        probabilities = forward(state, test_features())
        for row in probabilities:
            print("[" + ", ".join(f"{v:.6f}" for v in row) + "],")
        return
    floats = [state["conv1.weight"].ravel(), state["conv1.bias"], state["linear0.weight"].ravel(), state["linear0.bias"]]
    for layer in range(2):
        floats += [state[f"lstm.weight_ih_l{layer}"].ravel(), state[f"lstm.weight_hh_l{layer}"].ravel(),
                   state[f"lstm.bias_ih_l{layer}"] + state[f"lstm.bias_hh_l{layer}"]]
    floats += [state["linear.weight"].ravel(), state["linear.bias"]]
    for start, weights in filterbank():
        floats += [np.array([start, len(weights)], dtype=np.float32), weights]
    values = np.concatenate([np.asarray(f, dtype=np.float32).ravel() for f in floats]).astype("<f4")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "wb") as f:
        f.write(b"BNT1" + struct.pack("<I", len(values)) + values.tobytes())
    print(f"wrote {args.out}: model {args.model}, {len(values)} floats")


if __name__ == "__main__":
    main()
