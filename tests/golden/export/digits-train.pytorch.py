#!/usr/bin/env python3
# Digits.md, block 1 — exported from CNN Lab for PyTorch.
#
# From the network:
#   input 8x8x1
#   conv 8 3x3 pad 1
#   relu
#   maxpool 2
#   flatten
#   dense 10
#   softmax
#   train digits epochs 15 batch 32 adam lr 0.01 seed 7 limit 60 schedule step 5 0.5 patience 3 augment shift 1
#
# A training script (cnn-lab export --to pytorch --train): the block's network trained on CNN Lab's data, split,
# batch order, first weights, optimizer and schedule; it writes a run note into the vault in CNN Lab's format.
#   python3 this_script.py --vault VAULT [--epochs E] [--device cpu|cuda]
#   torchrun --nproc_per_node N this_script.py --vault VAULT --distributed
# Augmentation draws from NumPy's generator, so augmented batches differ from CNN Lab's.
import argparse
import copy
import gzip
import json
import math
import os
import re
import signal
import struct
import sys
import time
from decimal import Decimal

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=3, padding=1),  # 8×8×8
        nn.ReLU(),  # 8×8×8
        nn.MaxPool2d(kernel_size=2),  # 4×4×8
        nn.Flatten(),  # 128
        nn.Linear(128, 10),  # 10
        nn.Softmax(dim=1),  # 10
    )

model = build_model()

# Training settings of the block: the optimizer and the learning-rate schedule (torch.optim.lr_scheduler).
EPOCHS = 15
BATCH = 32
PATIENCE = 3  # early stopping on the validation loss, then back to the best epoch's weights
SCHEDULE_PER_BATCH = False

def make_optimizer(model):
    return torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)

def make_scheduler(optimizer, steps_per_epoch):
    return torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)

# The rate of every epoch, as CNN Lab's run note records it (its lr column).
expected_lr = [0.01, 0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.005, 0.005, 0.0025, 0.0025, 0.0025, 0.0025, 0.0025]
optimizer = make_optimizer(model)
scheduler = make_scheduler(optimizer, 1)
got_lr = []
for epoch in range(EPOCHS):
    got_lr.append(optimizer.param_groups[0]["lr"])
    optimizer.step()
    scheduler.step()
for e, (a, b) in enumerate(zip(got_lr, expected_lr)):
    assert abs(a - b) <= 1e-9 * max(1.0, abs(b)), f"epoch {e + 1}: lr {a} != {b}"
print("lr per epoch:", got_lr)

# Augmentation of training batches (the block's `augment`), written out in NumPy: no torchvision needed.
# Per image: flip left-right half the time, rotate by a uniform angle in +-AUG_ROTATE degrees (clockwise as
# drawn) about the centre, shift by up to +-AUG_SHIFT pixels, sampled nearest-neighbour with zeros coming in,
# then Gaussian noise of standard deviation AUG_NOISE, kept in 0..1. Training batches only: never validation
# or test. NumPy's generator draws other numbers than CNN Lab's, so the same seed gives another sequence.
import numpy as np

AUG_SHIFT = 1
AUG_FLIP = False
AUG_ROTATE = 0.0
AUG_NOISE = 0.0

def warp_image(img, dx, dy, flip, degrees):
    """One C x H x W image flipped, turned and shifted (dx right, dy down), as CNN Lab does it."""
    _, h, w = img.shape
    cy, cx = (h - 1) / 2, (w - 1) / 2
    oy, ox = np.meshgrid(np.arange(h), np.arange(w), indexing='ij')
    rad = np.deg2rad(degrees)
    u, v = ox - dx - cx, oy - dy - cy
    rx = np.cos(rad) * u + np.sin(rad) * v + cx
    ry = -np.sin(rad) * u + np.cos(rad) * v + cy
    if flip:
        rx = w - 1 - rx
    sx = np.floor(rx + 0.5 + 1e-9).astype(np.int64)
    sy = np.floor(ry + 0.5 + 1e-9).astype(np.int64)
    inside = (sx >= 0) & (sx < w) & (sy >= 0) & (sy < h)
    picked = img[:, np.clip(sy, 0, h - 1), np.clip(sx, 0, w - 1)]
    return np.where(inside[None], picked, 0).astype(img.dtype)

def augment_batch(x, rng):
    """A new N x C x H x W batch, augmented; rng is a numpy.random.Generator (np.random.default_rng(seed))."""
    out = np.empty_like(x)
    for k in range(x.shape[0]):
        dx = int(rng.integers(-AUG_SHIFT, AUG_SHIFT + 1)) if AUG_SHIFT > 0 else 0
        dy = int(rng.integers(-AUG_SHIFT, AUG_SHIFT + 1)) if AUG_SHIFT > 0 else 0
        flip = AUG_FLIP and rng.random() < 0.5
        degrees = (2 * rng.random() - 1) * AUG_ROTATE if AUG_ROTATE > 0 else 0.0
        out[k] = warp_image(x[k], dx, dy, flip, degrees)
    if AUG_NOISE > 0:
        out = np.clip(out + rng.normal(0.0, AUG_NOISE, out.shape), 0.0, 1.0).astype(x.dtype)
    return out

def augment_tensor(xb, rng):
    """In a training loop, on training batches only: xb = augment_tensor(xb, rng)."""
    return torch.from_numpy(augment_batch(xb.detach().cpu().numpy(), rng)).to(xb.device)

# Check: an augmented batch keeps its shape and its values in 0..1.
aug_rng = np.random.default_rng(0)
aug_x = np.random.default_rng(1).random((4, 1, 8, 8)).astype(np.float32)
aug_y = augment_batch(aug_x, aug_rng)
assert aug_y.shape == aug_x.shape and aug_y.min() >= 0 and aug_y.max() <= 1, aug_y.shape
print("augmentation:", aug_y.shape)

# What CNN Lab trains with, written by the export (the note's words only as escaped string literals).
SEED = 7
VAL_SPLIT = 0.2
LIMIT = 60
INPUT = (1, 8, 8)
CLASS_NAMES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
OPTIMIZER = "adam"
NOTE_LR = 0.01  # the lr the run note records (the train line's)
WEIGHT_DECAY = 0.0
PATIENCE_EPOCHS = 3
AUGMENT = True
DATA_SHAPE = (1, 8, 8)
DATA_KIND = "beside"
DATA_FILE = "digits.csv"
SKLEARN_DIGITS = True
TEST_KIND = None
# CNN Lab's split for this seed (stratified by class), as indices into the data as read: the training images in
# CNN Lab's order before its first shuffle, and the validation images.
TRAIN_ORDER = [
    1469, 499, 1208, 173, 1545, 978, 848, 1731, 1330, 488, 1781, 1152, 1762, 440, 889, 1749, 124, 1746, 314, 1555,
    947, 749, 457, 1453, 1616, 1343, 1503, 709, 1505, 1434, 803, 295, 1764, 172, 1481, 191, 773, 1042, 964, 368,
    385, 506, 19, 71, 584, 466, 1769, 284, 357, 450,
]
VAL_INDICES = [
    126, 527, 1142, 318, 1011, 1389, 581, 653, 654, 1507,
]

# The run note.
RUNS_FOLDER = "CNN runs"
RUN_TITLE = "Digits PyTorch"
DATASET = "digits"
SOURCE_LINK = "[[Digits]]"
MODEL_TEXT = "input 8x8x1\x0aconv 8 3x3 pad 1\x0arelu\x0amaxpool 2\x0aflatten\x0adense 10\x0asoftmax\x0atrain digits epochs 15 batch 32 adam lr 0.01 seed 7 limit 60 schedule step 5 0.5 patience 3 augment shift 1"
MODEL_SUMMARY = "conv 8 3x3 pad 1 \u2192 relu \u2192 maxpool 2 \u2192 flatten \u2192 dense 10 \u2192 softmax"
SCHEDULE_WORDS = "step 5 0.5"
SUMMARY = ("Trained from [[Digits]] on digits, ", " epochs (status and results: the properties above).")
CONFUSION_TITLE = "Confusion matrix (validation)"
CONFUSION_HEAD = ["| true \u2193 pred \u2192 | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
CONFUSION_ROW_NAMES = ["**0**", "**1**", "**2**", "**3**", "**4**", "**5**", "**6**", "**7**", "**8**", "**9**"]
CLASS_CELLS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
FRAMEWORK = "pytorch"

M32 = 0xFFFFFFFF


class CnnLabRng:
    """CNN Lab's seeded generator (mulberry32, Box-Muller): the same seed gives CNN Lab's shuffles and first weights."""

    def __init__(self, seed):
        self.state = (int(math.floor(seed)) & M32) ^ 0x9E3779B9
        self.spare = None

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & M32
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & M32
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    def normal(self):
        if self.spare is not None:
            s, self.spare = self.spare, None
            return s
        u = 0.0
        while u == 0.0:
            u = self.next()
        v = self.next()
        r = math.sqrt(-2 * math.log(u))
        self.spare = r * math.sin(2 * math.pi * v)
        return r * math.cos(2 * math.pi * v)

    def shuffle(self, a):
        for i in range(len(a) - 1, 0, -1):
            j = int(self.next() * (i + 1))
            a[i], a[j] = a[j], a[i]
        return a

    def fork(self):
        return CnnLabRng(math.floor(self.next() * 4294967296))


def fail(message):
    sys.stderr.write("error: " + message + "\n")
    sys.exit(1)


def vault_file(vault, path):
    return os.path.join(vault, *path.split("/"))


def read_csv_dataset(path, shape):
    """A CSV of label, pixel, pixel, ... read as CNN Lab reads it (src/data/csv.ts): pixels scaled by their largest value."""
    with open(path, encoding="utf-8-sig") as f:
        lines = re.split(r"\r\n|\r|\n", f.read())
    rows = [l.strip() for l in lines if l.strip() and not l.strip().startswith("#")]
    if rows and not re.match(r"[-+\d.]", re.split(r"[,;\t]", rows[0])[0].strip()):
        rows.pop(0)
    if not rows:
        fail(path + ": no rows")
    sep = next((s for s in (",", ";", "\t") if s in rows[0]), None)
    cells = [r.split(sep) if sep else r.split() for r in rows]
    y = np.array([int(float(c[0])) for c in cells], dtype=np.int64)
    x = np.array([[float(v) for v in c[1:]] for c in cells], dtype=np.float64).astype(np.float32)
    top = float(x.max()) if x.size else 0.0
    scale = 1.0 if top <= 1 else 16.0 if top <= 16 else 255.0
    x = (x.astype(np.float64) / scale).astype(np.float32)
    return x.reshape((len(rows),) + tuple(shape)), y


def read_idx(path):
    """An IDX file (MNIST's format), gzip or not."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 8:
        fail(path + ": not an IDX file of unsigned bytes")
    nd = raw[3]
    dims = struct.unpack(">" + "I" * nd, raw[4 : 4 + 4 * nd])
    return np.frombuffer(raw, dtype=np.uint8, count=int(np.prod(dims)), offset=4 + 4 * nd).reshape(dims)


def read_images(vault, paths, labels, shape):
    try:
        from PIL import Image
    except ImportError:
        fail("the dataset is a folder of images: install Pillow (pip install pillow) to read them")
    c, h, w = shape
    x = np.zeros((len(paths), c, h, w), dtype=np.float32)
    for i, p in enumerate(paths):
        # Decoded by Pillow and scaled by the mean of the area each pixel covers; the plugin decodes with the app's
        # decoder, so a value may differ in its last bits.
        with Image.open(vault_file(vault, p)) as im:
            a = np.asarray(im.convert("L" if c == 1 else "RGB").resize((w, h), Image.BOX), dtype=np.float64) / 255
        x[i] = a[None] if c == 1 else a.transpose(2, 0, 1)
    return x, np.array(labels, dtype=np.int64)


def load_data(vault, use_sklearn):
    """The images (N x C x H x W in 0..1, float32) and labels, in the order CNN Lab reads them."""
    if DATA_KIND == "beside":
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), DATA_FILE)
        if SKLEARN_DIGITS and (use_sklearn or not os.path.exists(path)):
            # scikit-learn ships the same UCI digits in the same order, 0..16 per pixel.
            from sklearn.datasets import load_digits
            d = load_digits()
            return (d.images.reshape(-1, 1, 8, 8) / 16).astype(np.float32), d.target.astype(np.int64)
        if not os.path.exists(path):
            fail(path + " is missing: export again with --out, which writes it beside the script")
        return read_csv_dataset(path, DATA_SHAPE)
    return read_vault_data(vault, DATA_KIND, DATA_PATHS, DATA_LABELS, DATA_SHAPE)


def load_test_data(vault):
    """The train line's test set, read from the vault as the training data are; None without one."""
    if TEST_KIND is None:
        return None
    return read_vault_data(vault, TEST_KIND, TEST_PATHS, TEST_LABELS, TEST_SHAPE)


def read_vault_data(vault, kind, paths, labels, shape):
    for p in paths:
        if not os.path.exists(vault_file(vault, p)):
            fail(p + " is not in the vault " + vault)
    if kind == "csv":
        return read_csv_dataset(vault_file(vault, paths[0]), shape)
    if kind == "idx":
        images = read_idx(vault_file(vault, paths[0]))
        y = read_idx(vault_file(vault, paths[1])).astype(np.int64)
        n = min(len(images), len(y))
        x = images[:n].astype(np.float64) / 255
        x = x[:, None] if x.ndim == 3 else x.transpose(0, 3, 1, 2)
        return x.astype(np.float32), y[:n]
    return read_images(vault, paths, labels, shape)


def fit_to_input(x):
    """The images brought to the input as CNN Lab brings them: channels copied or made gray, then a bilinear resize."""
    c, h, w = INPUT
    if x.shape[1] != c:
        if x.shape[1] == 1:
            x = np.repeat(x, c, axis=1)
        elif x.shape[1] == 3 and c == 1:
            x64 = x.astype(np.float64)
            x = (0.299 * x64[:, 0:1] + 0.587 * x64[:, 1:2] + 0.114 * x64[:, 2:3]).astype(np.float32)
        else:
            fail("the data have %d channels and the input %d" % (x.shape[1], c))
    if x.shape[2] != h or x.shape[3] != w:
        x = resize_bilinear(x, h, w)
    return np.ascontiguousarray(x, dtype=np.float32)


def resize_bilinear(x, h, w):
    """CNN Lab's resize (src/data/fit.ts): bilinear on pixel centres (align_corners=False), clamped at the edges."""
    def taps(out_n, in_n):
        s = np.maximum((np.arange(out_n) + 0.5) * (in_n / out_n) - 0.5, 0)
        i0 = np.minimum(np.floor(s).astype(np.int64), in_n - 1)
        return i0, np.minimum(i0 + 1, in_n - 1), (s - i0).astype(np.float32).astype(np.float64)
    y0, y1, fy = taps(h, x.shape[2])
    x0, x1, fx = taps(w, x.shape[3])
    x = x.astype(np.float64)
    rows0, rows1 = x[:, :, y0], x[:, :, y1]
    top = rows0[..., x0] + (rows0[..., x1] - rows0[..., x0]) * fx
    bot = rows1[..., x0] + (rows1[..., x1] - rows1[..., x0]) * fx
    return (top + (bot - top) * fy[:, None]).astype(np.float32)


def init_like_cnn_lab(net, seed):
    """CNN Lab's first weights for the seed: He normal (std sqrt(2 / fan_in)) in state_dict order, zero biases."""
    rng = CnnLabRng(seed).fork()
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                w = m.weight
                std = math.sqrt(2 / max(1, w[0].numel()))
                values = [rng.normal() * std for _ in range(w.numel())]
                w.copy_(torch.tensor(values, dtype=torch.float64).reshape(w.shape))
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.reset_parameters()


def write_safetensors(path, tensors, metadata):
    """safetensors without the package: 8 bytes of header length, a JSON header, then the raw little-endian data."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if t.dtype == torch.int64:
            dtype, raw = "I64", t.numpy().astype("<i8").tobytes()
        else:
            dtype, raw = "F32", t.float().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + b"".join(blobs))


RESERVED = re.compile(r"^(?:null|true|false|yes|no|on|off|y|n|nan|inf)$", re.I)


def js_number(v):
    """A number as CNN Lab's notes write it (six significant digits, JavaScript's spelling)."""
    if v is None:
        return ""
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    r = repr(float("%.6g" % v))
    if "e" in r:
        mantissa, exp = r.split("e")
        if -7 < int(exp) < 21:
            return format(Decimal(r), "f")
        return mantissa + "e" + ("+" if int(exp) > 0 else "-") + str(abs(int(exp)))
    return r


def yaml_string(s):
    if (re.match(r"^[a-z][a-z0-9-]*$", s) and not RESERVED.match(s)) or re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", s):
        return s
    return json.dumps(s, ensure_ascii=False)


def yaml_value(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        if isinstance(v, float) and math.isnan(v):
            return ".nan"
        if isinstance(v, float) and math.isinf(v):
            return ".inf" if v > 0 else "-.inf"
        return js_number(v)
    if isinstance(v, list):
        return "[" + ", ".join(yaml_string(s) for s in v) + "]"
    return yaml_string(v)


def fence(lang, text):
    ticks = "" + chr(96) * (max([2] + [len(m) for m in re.findall(chr(96) + "{3,}", text)]) + 1)
    return ticks + lang + "\n" + text + "\n" + ticks


def thin_points(points, most=200):
    """At most 'most' per-batch points, neighbours merged (the later x, the mean y), as CNN Lab thins them."""
    out = [p for p in points if math.isfinite(p[0]) and math.isfinite(p[1])]
    while len(out) > most:
        merged = [(out[i + 1][0], (out[i][1] + out[i + 1][1]) / 2) for i in range(0, len(out) - 1, 2)]
        if len(out) % 2 == 1:
            merged.append(out[-1])
        out = merged
    return out


def run_note_text(run, stem):
    rows = run["epochs"]
    last = rows[-1] if rows else {}
    props = [
        ("created_by", "cnn-lab"), ("run_id", run["run_id"]), ("status", run["status"]), ("date", run["date"]),
        ("tags", ["cnn-run"]), ("source", SOURCE_LINK), ("dataset", DATASET), ("model", MODEL_SUMMARY),
        ("epochs", EPOCHS), ("epochs_done", len(rows)), ("batch", BATCH), ("optimizer", OPTIMIZER), ("lr", NOTE_LR),
        ("weight_decay", WEIGHT_DECAY), ("seed", SEED), ("val_split", VAL_SPLIT),
    ]
    if LIMIT is not None:
        props.append(("limit", LIMIT))
    if SCHEDULE_WORDS:
        props.append(("schedule", SCHEDULE_WORDS))
    if PATIENCE_EPOCHS is not None:
        props.append(("patience", PATIENCE_EPOCHS))
    props += [
        ("train_loss", last.get("loss")), ("train_acc", last.get("acc")), ("val_loss", last.get("val_loss")),
        ("val_acc", last.get("val_acc")), ("duration_s", run["duration_s"]), ("samples_per_s", run["samples_per_s"]),
    ]
    if run.get("test") is not None:
        props += [("test_loss", run["test"][0]), ("test_acc", run["test"][1]), ("test_n", run["test"][2])]
    props += [("backend", run["backend"]), ("framework", FRAMEWORK)]
    if run.get("best_epoch") is not None:
        props.append(("best_epoch", run["best_epoch"]))
    if run.get("early_stop"):
        props.append(("early_stop", True))
    if run.get("message"):
        props.append(("message", run["message"]))
    if run.get("weights"):
        props.append(("weights", "[[" + run["weights"] + "]]"))
    log = ["epoch,loss,acc,val_loss,val_acc,lr"]
    for r in rows:
        log.append(",".join(js_number(r[k]) for k in ("epoch", "loss", "acc", "val_loss", "val_acc", "lr")))
    points = thin_points(run["batches"])
    if points:
        log += ["# batches", "epoch,loss"] + [js_number(x) + "," + js_number(y) for x, y in points]
    matrix = run.get("confusion")
    if matrix is not None:
        log += ["# confusion", ",".join(["true\\predicted"] + CLASS_CELLS)]
        log += [",".join([CLASS_CELLS[i]] + [str(v) for v in row]) for i, row in enumerate(matrix)]
    body = [
        "# " + stem, "", SUMMARY[0] + str(EPOCHS) + SUMMARY[1], "", fence("cnn", MODEL_TEXT), "",
        fence("cnn-log", "\n".join(log)), "",
    ]
    outcome = []
    if run.get("message") and run["status"] != "running":
        outcome += ["> " + run["message"].replace("\n", " "), ""]
    if matrix is not None:
        outcome += ["## " + CONFUSION_TITLE, ""] + CONFUSION_HEAD
        outcome += ["| " + CONFUSION_ROW_NAMES[i] + " | " + " | ".join(str(v) for v in row) + " |" for i, row in enumerate(matrix)]
        outcome.append("")
    if outcome:
        body.append("\n".join(outcome))
    front = ["---"] + [k + ": " + yaml_value(v) for k, v in props] + ["---"]
    return "\n".join(["\n".join(front), ""] + body)


def base36(n):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


class RunNote:
    """The run note in the vault: created under the first free name, then rewritten whole while it is still this run's."""

    def __init__(self, vault, started):
        self.vault = vault
        folder = os.path.join(vault, *[p for p in RUNS_FOLDER.split("/") if p])
        os.makedirs(folder, exist_ok=True)
        day = time.strftime("%Y-%m-%d", started)
        hm = time.strftime("%H%M", started)
        stems = [RUN_TITLE + " " + day + " " + hm, RUN_TITLE + " " + day + " " + hm + time.strftime("%S", started)]
        stems += [stems[1] + " " + str(k) for k in range(2, 100)]
        self.path = None
        for stem in stems:
            path = os.path.join(folder, stem + ".md")
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                continue
            self.path, self.stem = path, stem
            self.vault_path = "/".join([p for p in RUNS_FOLDER.split("/") if p] + [stem + ".md"])
            break
        if self.path is None:
            fail("no free run-note name in " + folder)
        self.run_id = None

    def write(self, run):
        if self.run_id is not None:
            with open(self.path, encoding="utf-8") as f:
                if "\nrun_id: " + yaml_value(self.run_id) + "\n" not in f.read():
                    return False  # someone replaced the note: leave it
        self.run_id = run["run_id"]
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(run_note_text(run, self.stem))
        os.replace(tmp, self.path)
        return True




def evaluate(scores, x, y, indices, classes=None):
    """Mean cross-entropy and accuracy (and the confusion matrix) in evaluation mode, as CNN Lab evaluates."""
    scores.eval()
    total, correct = 0.0, 0
    matrix = [[0] * classes for _ in range(classes)] if classes else None
    with torch.no_grad():
        for start in range(0, len(indices), BATCH):
            idx = indices[start : start + BATCH]
            logits = scores(x[idx])
            total += F.cross_entropy(logits, y[idx], reduction="sum").item()
            pred = logits.argmax(1)
            correct += int((pred == y[idx]).sum().item())
            if matrix is not None:
                for t, p in zip(y[idx].tolist(), pred.tolist()):
                    matrix[t][p] += 1
    n = max(1, len(indices))
    return total / n, correct / n, matrix


def main(argv=None):
    global EPOCHS
    parser = argparse.ArgumentParser(description="Train the CNN Lab block's network with PyTorch; the run note goes into the vault.")
    parser.add_argument("--vault", required=True, help="the Obsidian vault (a folder): the data are read and the run note written there")
    parser.add_argument("--epochs", type=int, default=None, help="epochs to train (the block's: %d; the schedule stays the block's)" % EPOCHS)
    parser.add_argument("--device", choices=["cpu", "cuda"], default=None, help="default: cuda when available")
    parser.add_argument("--distributed", action="store_true", help="under torchrun: DistributedDataParallel, one share of each batch per process; rank 0 writes")
    parser.add_argument("--sklearn-digits", action="store_true", help="take the digits from scikit-learn's load_digits (the same UCI set)")
    args = parser.parse_args(argv)
    if args.epochs is not None:
        if args.epochs < 1:
            parser.error("--epochs must be at least 1")
        EPOCHS = args.epochs
    vault = os.path.abspath(args.vault)
    if not os.path.isdir(vault):
        parser.error("--vault: no such folder: " + args.vault)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: CUDA is not available here")
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    rank, world = 0, 1
    if args.distributed:
        import torch.distributed as dist
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
        if device.type == "cuda":
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
            torch.cuda.set_device(device)

    x, y = load_data(vault, args.sklearn_digits)
    used = max(TRAIN_ORDER + VAL_INDICES)
    if used >= len(y):
        fail("the data hold %d images but the export's split uses image %d: the data changed, export again" % (len(y), used))
    xt = torch.from_numpy(fit_to_input(x)).to(device)
    yt = torch.from_numpy(np.asarray(y, dtype=np.int64)).to(device)
    test = load_test_data(vault)
    if test is not None:
        x_test = torch.from_numpy(fit_to_input(test[0])).to(device)
        y_test = torch.from_numpy(np.asarray(test[1], dtype=np.int64)).to(device)
        if len(y_test) and int(y_test.max()) >= len(CLASS_NAMES):
            fail("the test set has label %d but the training data have %d classes" % (int(y_test.max()), len(CLASS_NAMES)))

    # Dropout draws from torch's generator (CNN Lab's masks are its own); everything else follows CNN Lab's seed.
    torch.manual_seed(SEED)
    net = build_model()
    init_like_cnn_lab(net, SEED)
    net.to(device)
    # CNN Lab trains on the scores before a trailing softmax (nn.CrossEntropyLoss wants them).
    scores = net[:-1] if isinstance(net[-1], nn.Softmax) else net
    train_module = scores
    if args.distributed:
        from torch.nn.parallel import DistributedDataParallel
        train_module = DistributedDataParallel(scores, device_ids=[device.index] if device.type == "cuda" else None)
    optimizer = make_optimizer(net)
    order = list(TRAIN_ORDER)
    steps = math.ceil(len(order) / BATCH)
    scheduler = make_scheduler(optimizer, steps)
    # CNN Lab's shuffles: its generator forked for the split, then for the batch order.
    shuffles = CnnLabRng(SEED)
    shuffles.fork()
    shuffles = shuffles.fork()
    aug_rng = np.random.default_rng(SEED + rank) if AUGMENT else None
    val_idx = torch.tensor(VAL_INDICES, dtype=torch.int64, device=device)
    scores.eval()
    with torch.no_grad():
        classes = max(len(CLASS_NAMES), int(scores(xt[:1]).shape[1]))

    started = time.localtime()
    t0 = time.time()
    run = {
        "run_id": base36(int(t0 * 1000)) + "-torch" + base36(os.getpid()), "status": "running",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S", started), "epochs": [], "batches": [], "duration_s": None,
        "samples_per_s": None, "backend": "pytorch-" + device.type, "message": None,
    }
    note = RunNote(vault, started) if rank == 0 else None
    if note:
        note.write(run)
        print("Training on %d training and %d validation images, %d batches an epoch, %s" % (len(order), len(VAL_INDICES), steps, device))
    seen = 0
    best = (math.inf, 0, None)
    early = False
    # Ctrl-C ends the run between batches as Stop does in CNN Lab: the finished epochs stand, the note says stopped.
    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(True))
    for epoch in range(1, EPOCHS + 1):
        if stop:
            break
        shuffles.shuffle(order)
        lr = optimizer.param_groups[0]["lr"]
        train_module.train()
        loss_sum, correct, count = 0.0, 0, 0
        for b in range(steps):
            if stop:
                run["status"], run["message"] = "stopped", "stopped at epoch %d, batch %d (Ctrl-C)" % (epoch, b + 1)
                break
            batch = order[b * BATCH : (b + 1) * BATCH]
            # Each process trains on its share of CNN Lab's batch; the loss is scaled so that the gradients
            # DistributedDataParallel averages are those of the whole batch.
            idx = torch.tensor(batch[rank::world], dtype=torch.int64, device=device)
            xb, yb = xt[idx], yt[idx]
            if AUGMENT:
                xb = augment_tensor(xb, aug_rng)
            logits = train_module(xb)
            loss = F.cross_entropy(logits, yb, reduction="sum")
            stats = torch.tensor([loss.item(), float((logits.argmax(1) == yb).sum().item())], dtype=torch.float64)
            if args.distributed:
                dist.all_reduce(stats)
            batch_loss = stats[0].item() / len(batch)
            if not math.isfinite(batch_loss) or batch_loss > 1e4:
                what = "loss exploded to %.1e" % batch_loss if math.isfinite(batch_loss) else "loss became " + ("NaN" if math.isnan(batch_loss) else "Infinity")
                run["status"] = "failed"
                run["message"] = "%s at epoch %d, batch %d — lower the learning rate (now %s) or check the data for huge values" % (what, epoch, b + 1, lr)
                break
            optimizer.zero_grad()
            (loss * (world / len(batch))).backward()
            optimizer.step()
            if SCHEDULE_PER_BATCH and scheduler is not None:
                scheduler.step()
            loss_sum += stats[0].item()
            correct += int(stats[1].item())
            count += len(batch)
            seen += len(batch)
            run["batches"].append((epoch - 1 + (b + 1) / steps, batch_loss))
        if run["status"] in ("failed", "stopped"):
            break
        if not SCHEDULE_PER_BATCH and scheduler is not None:
            scheduler.step()
        val_loss, val_acc = (None, None)
        if VAL_INDICES:
            val_loss, val_acc, _ = evaluate(scores, xt, yt, val_idx)
        row = {"epoch": epoch, "loss": loss_sum / count, "acc": correct / count, "val_loss": val_loss, "val_acc": val_acc, "lr": lr}
        run["epochs"].append(row)
        secs = time.time() - t0
        run["duration_s"], run["samples_per_s"] = round(secs, 1), round(seen / max(secs, 1e-6))
        run["batches"] = thin_points(run["batches"], 400) if len(run["batches"]) > 800 else run["batches"]
        if note:
            note.write(run)
            pct = lambda v: "-" if v is None else "%.1f%%" % (100 * v)
            num = lambda v: "-" if v is None else "%.4f" % v
            print("epoch %d/%d  loss %s  acc %s  val_loss %s  val_acc %s" % (epoch, EPOCHS, num(row["loss"]), pct(row["acc"]), num(val_loss), pct(val_acc)))
        if PATIENCE_EPOCHS is not None and val_loss is not None and math.isfinite(val_loss):
            if val_loss < best[0]:
                best = (val_loss, epoch, copy.deepcopy(net.state_dict()))
            elif epoch - best[1] >= PATIENCE_EPOCHS and epoch < EPOCHS:
                early = True
                break
    if stop and run["status"] == "running":
        run["status"], run["message"] = "stopped", "stopped after epoch %d (Ctrl-C)" % len(run["epochs"])
    if run["status"] != "failed":
        if run["status"] == "running":
            run["status"] = "completed"
        if best[2] is not None:
            net.load_state_dict(best[2])
            run["best_epoch"], run["early_stop"] = best[1], early
        if run["epochs"] and test is not None and len(y_test):
            # The test set, looked at once on the weights the run ends on; the confusion matrix is then its own.
            test_idx = torch.arange(len(y_test), dtype=torch.int64, device=device)
            test_loss, test_acc, matrix = evaluate(scores, x_test, y_test, test_idx, classes)
            run["test"] = (test_loss, test_acc, len(y_test))
            if len(matrix) == len(CLASS_NAMES):
                run["confusion"] = matrix
            if note:
                print("test set (%d images): test_loss %.4f  test_acc %.1f%%" % (len(y_test), test_loss, 100 * test_acc))
        elif run["epochs"]:
            # The final confusion matrix: the held-out part, or the training images without one.
            where = val_idx if VAL_INDICES else torch.tensor(sorted(TRAIN_ORDER), dtype=torch.int64, device=device)
            matrix = evaluate(scores, xt, yt, where, classes)[2]
            if len(matrix) == len(CLASS_NAMES):
                run["confusion"] = matrix
    secs = time.time() - t0
    run["duration_s"], run["samples_per_s"] = round(secs, 1), round(seen / max(secs, 1e-6))
    if note:
        if run["status"] != "failed" and run["epochs"]:
            weights = note.path[: -len(".md")] + ".safetensors"
            if not os.path.exists(weights):
                write_safetensors(weights, net.state_dict(), {"run_id": run["run_id"], "written_by": "CNN Lab export (PyTorch)"})
                run["weights"] = note.vault_path[: -len(".md")] + ".safetensors"
        note.write(run)
        print("%s: %d of %d epochs in %s s" % (run["status"], len(run["epochs"]), EPOCHS, run["duration_s"]) + (" — " + run["message"] if run["message"] else ""))
        print("run note: " + note.vault_path + " (vault " + vault + ")")
        if run.get("weights"):
            print("weights: " + run["weights"])
    if args.distributed:
        dist.destroy_process_group()
    return 1 if run["status"] == "failed" else 0


if __name__ == "__main__":
    sys.exit(main())
