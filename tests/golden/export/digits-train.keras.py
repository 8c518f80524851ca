#!/usr/bin/env python3
# Digits.md, block 1 — exported from CNN Lab for Keras.
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
# A training script (cnn-lab export --to keras --train): the block's network trained with model.fit on CNN Lab's
# data, split and batch order, with CNN Lab's first weights; a callback writes a run note into the vault in CNN
# Lab's format after every epoch, and the Keras weights beside it (<run note>.weights.h5).
#   python3 this_script.py --vault VAULT [--epochs E]
import argparse
import gzip
import json
import math
import os
import re
import struct
import sys
import time
from decimal import Decimal

import numpy as np
import keras
from keras import layers

def build_model():
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(8, (3, 3), padding="same"),  # 8×8×8
        layers.ReLU(),  # 8×8×8
        layers.MaxPooling2D((2, 2), strides=(2, 2)),  # 4×4×8
        layers.Flatten(),  # 128
        layers.Dense(10),  # 10
        layers.Softmax(),  # 10
    ])

model = build_model()

# Training settings of the block: the optimizer, the learning-rate schedule and early stopping, for model.fit:
#   model.compile(optimizer=make_optimizer(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
#   model.fit(x, y, epochs=EPOCHS, batch_size=BATCH, validation_split=0.2, callbacks=make_callbacks(len(x) * 0.8 // BATCH))
import math
EPOCHS = 15
BATCH = 32
BASE_LR = 0.01

def make_optimizer():
    return keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-8)

def lr_at(epoch, batch, steps_per_epoch):
    # epoch and batch count from 0, as CNN Lab's schedules do
    warmup = 0
    if epoch < warmup:
        return BASE_LR * (epoch + 1) / (warmup + 1)
    e = epoch - warmup
    return BASE_LR * 0.5 ** (e // 5)

class CnnLabSchedule(keras.callbacks.Callback):
    def __init__(self, steps_per_epoch):
        super().__init__()
        self.steps = max(1, int(steps_per_epoch))
        self.epoch = 0
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
    def on_train_batch_begin(self, batch, logs=None):
        self.model.optimizer.learning_rate.assign(lr_at(self.epoch, batch, self.steps))

def make_callbacks(steps_per_epoch):
    callbacks = [CnnLabSchedule(steps_per_epoch)]
    callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True))
    return callbacks

# The rates CNN Lab uses (its run note's lr column holds each epoch's first), at 1 step an epoch.
expected_lr = [0.01, 0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.005, 0.005, 0.0025, 0.0025, 0.0025, 0.0025, 0.0025]
got_lr = [lr_at(e, b, 1) for e in range(EPOCHS) for b in range(1)][:len(expected_lr)]
for k, (a, b) in enumerate(zip(got_lr, expected_lr)):
    assert abs(a - b) <= 1e-9 * max(1.0, abs(b)), f"step {k}: lr {a} != {b}"
print("lr per epoch:", got_lr[::1])

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

def augment_batch_nhwc(x, rng):
    """The same for Keras's N x H x W x C batches."""
    return np.transpose(augment_batch(np.transpose(x, (0, 3, 1, 2)), rng), (0, 2, 3, 1))

# Check: an augmented batch keeps its shape and its values in 0..1.
aug_rng = np.random.default_rng(0)
aug_x = np.random.default_rng(1).random((4, 8, 8, 1)).astype(np.float32)
aug_y = augment_batch_nhwc(aug_x, aug_rng)
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
RUN_TITLE = "Digits Keras"
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
FRAMEWORK = "keras"
FROM_LOGITS = False  # CNN Lab's loss is on the scores; a trailing softmax gives probabilities

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




def init_like_cnn_lab(net, seed):
    """CNN Lab's first weights for the seed: He normal drawn in PyTorch's order, then laid out as Keras keeps them
    (conv kernels H x W x in x out, dense in x out). A Dense after Flatten sees the pixels in Keras's order (channels
    last), so its weights are CNN Lab's draws up to that order."""
    rng = CnnLabRng(seed).fork()
    for layer in net.layers:
        kind = type(layer).__name__
        if kind not in ("Conv2D", "DepthwiseConv2D", "Conv2DTranspose", "Dense"):
            continue
        weights = layer.get_weights()
        k = weights[0]
        if kind == "Dense":
            torch_shape = (k.shape[1], k.shape[0])
        elif kind == "Conv2D":
            torch_shape = (k.shape[3], k.shape[2], k.shape[0], k.shape[1])
        elif kind == "Conv2DTranspose":
            torch_shape = (k.shape[3], k.shape[2], k.shape[0], k.shape[1])
        else:
            torch_shape = (k.shape[2] * k.shape[3], 1, k.shape[0], k.shape[1])
        fan_in = int(np.prod(torch_shape[1:]))
        std = math.sqrt(2 / max(1, fan_in))
        drawn = np.array([rng.normal() * std for _ in range(int(np.prod(torch_shape)))], dtype=np.float64).reshape(torch_shape)
        if kind == "Dense":
            k = drawn.T
        elif kind == "DepthwiseConv2D":
            k = drawn.reshape(k.shape[2], k.shape[3], k.shape[0], k.shape[1]).transpose(2, 3, 0, 1)
        else:
            k = drawn.transpose(2, 3, 1, 0)
        layer.set_weights([k.astype(np.float32)] + [np.zeros_like(w) for w in weights[1:]])


class CnnLabBatches(keras.utils.PyDataset):
    """CNN Lab's batches: its training order, shuffled by its generator before every epoch (the last batch smaller)."""

    def __init__(self, x, y, rng):
        super().__init__()
        self.x, self.y, self.order = x, y, list(TRAIN_ORDER)
        self.shuffles = CnnLabRng(SEED)
        self.shuffles.fork()
        self.shuffles = self.shuffles.fork()
        self.shuffles.shuffle(self.order)
        self.rng = rng

    def __len__(self):
        return math.ceil(len(self.order) / BATCH)

    def __getitem__(self, b):
        idx = self.order[b * BATCH : (b + 1) * BATCH]
        xb = self.x[idx]
        if AUGMENT:
            xb = augment_batch_nhwc(xb, self.rng)
        return xb, self.y[idx]

    def on_epoch_end(self):
        self.shuffles.shuffle(self.order)


class RunNoteCallback(keras.callbacks.Callback):
    """Writes the run note in CNN Lab's format: created when training begins, rewritten after every epoch."""

    def __init__(self, vault, steps, x_val, y_val, test=None):
        super().__init__()
        self.vault, self.steps, self.x_val, self.y_val, self.test = vault, steps, x_val, y_val, test
        self.t0 = time.time()
        started = time.localtime()
        self.run = {
            "run_id": base36(int(self.t0 * 1000)) + "-keras" + base36(os.getpid()), "status": "running",
            "date": time.strftime("%Y-%m-%dT%H:%M:%S", started), "epochs": [], "batches": [], "duration_s": None,
            "samples_per_s": None, "backend": "keras-" + keras.backend.backend(), "message": None,
        }
        self.note = RunNote(vault, started)
        self.best = (math.inf, 0)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.sum, self.count = epoch, 0.0, 0

    def on_train_batch_end(self, batch, logs=None):
        # Keras reports the epoch's running mean; the batch's own loss is what it adds to it.
        n = min(BATCH, len(TRAIN_ORDER) - batch * BATCH)
        total = float(logs["loss"]) * (self.count + n)
        self.run["batches"].append((self.epoch + (batch + 1) / self.steps, (total - self.sum) / n))
        self.sum, self.count = total, self.count + n

    def on_epoch_end(self, epoch, logs=None):
        row = {
            "epoch": epoch + 1, "loss": logs["loss"], "acc": logs["accuracy"], "val_loss": logs.get("val_loss"),
            "val_acc": logs.get("val_accuracy"), "lr": lr_at(epoch, 0, self.steps),
        }
        self.run["epochs"].append(row)
        if row["val_loss"] is not None and row["val_loss"] < self.best[0]:
            self.best = (row["val_loss"], epoch + 1)
        self.pace()
        self.note.write(self.run)

    def pace(self):
        secs = time.time() - self.t0
        self.run["duration_s"] = round(secs, 1)
        self.run["samples_per_s"] = round(len(TRAIN_ORDER) * len(self.run["epochs"]) / max(secs, 1e-6))

    def finish(self, status, message=None):
        self.run["status"], self.run["message"] = status, message
        if status == "completed" and PATIENCE_EPOCHS is not None and self.best[1]:
            self.run["best_epoch"], self.run["early_stop"] = self.best[1], len(self.run["epochs"]) < EPOCHS
        if status == "completed" and self.run["epochs"]:
            # With a test set: evaluated once, on the weights the run ends on, and the confusion matrix is its own.
            x_cm, y_cm = self.test if self.test is not None and len(self.test[1]) else (self.x_val, self.y_val)
            if y_cm is not self.y_val:
                test_loss, test_acc = self.model.evaluate(x_cm, y_cm, batch_size=BATCH, verbose=0)[:2]
                self.run["test"] = (float(test_loss), float(test_acc), len(y_cm))
            pred = np.argmax(self.model.predict(x_cm, batch_size=BATCH, verbose=0), axis=1)
            k = len(CLASS_NAMES)
            matrix = [[0] * k for _ in range(k)]
            for t, p in zip(y_cm.tolist(), pred.tolist()):
                if p < k:
                    matrix[t][p] += 1
            self.run["confusion"] = matrix
            self.model.save_weights(self.note.path[: -len(".md")] + ".weights.h5")
        self.pace()
        self.note.write(self.run)


def main(argv=None):
    global EPOCHS
    parser = argparse.ArgumentParser(description="Train the CNN Lab block's network with Keras; the run note goes into the vault.")
    parser.add_argument("--vault", required=True, help="the Obsidian vault (a folder): the data are read and the run note written there")
    parser.add_argument("--epochs", type=int, default=None, help="epochs to train (the block's: %d; the schedule stays the block's)" % EPOCHS)
    parser.add_argument("--sklearn-digits", action="store_true", help="take the digits from scikit-learn's load_digits (the same UCI set)")
    args = parser.parse_args(argv)
    if args.epochs is not None:
        if args.epochs < 1:
            parser.error("--epochs must be at least 1")
        EPOCHS = args.epochs
    vault = os.path.abspath(args.vault)
    if not os.path.isdir(vault):
        parser.error("--vault: no such folder: " + args.vault)
    x, y = load_data(vault, args.sklearn_digits)
    used = max(TRAIN_ORDER + VAL_INDICES)
    if used >= len(y):
        fail("the data hold %d images but the export's split uses image %d: the data changed, export again" % (len(y), used))
    x = np.ascontiguousarray(fit_to_input(x).transpose(0, 2, 3, 1))  # channels last
    y = np.asarray(y, dtype=np.int64)
    keras.utils.set_random_seed(SEED)
    net = build_model()
    init_like_cnn_lab(net, SEED)
    net.compile(optimizer=make_optimizer(), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=FROM_LOGITS), metrics=["accuracy"])
    batches = CnnLabBatches(x, y, np.random.default_rng(SEED))
    x_val, y_val = x[VAL_INDICES], y[VAL_INDICES]
    test = load_test_data(vault)
    if test is not None:
        test = (np.ascontiguousarray(fit_to_input(test[0]).transpose(0, 2, 3, 1)), np.asarray(test[1], dtype=np.int64))
    note = RunNoteCallback(vault, len(batches), x_val, y_val, test)
    print("Training on %d training and %d validation images, %d batches an epoch" % (len(TRAIN_ORDER), len(VAL_INDICES), len(batches)))
    try:
        net.fit(batches, epochs=EPOCHS, shuffle=False, validation_data=(x_val, y_val) if VAL_INDICES else None, validation_batch_size=BATCH, callbacks=make_callbacks(len(batches)) + [note, keras.callbacks.TerminateOnNaN()], verbose=2)
    except KeyboardInterrupt:
        note.finish("stopped", "stopped from the keyboard")
        return 1
    losses = [r["loss"] for r in note.run["epochs"]]
    if not losses or not all(math.isfinite(v) for v in losses):
        note.finish("failed", "the loss became NaN or Infinity — lower the learning rate or check the data for huge values")
        return 1
    note.finish("completed")
    print("run note: " + note.note.vault_path + " (vault " + vault + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
