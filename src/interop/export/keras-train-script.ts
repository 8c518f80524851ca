/**
 * `cnn-lab export --to keras --train`: the training script of torch-train-script.ts for Keras. The same data
 * readers, split, batch order (a keras.utils.PyDataset that shuffles with CNN Lab's generator), first weights (CNN
 * Lab's draws, laid out channels last) and run-note writer; model.fit trains, with the block's optimizer and
 * schedule (keras-training.ts) and a callback that writes the run note after every epoch. Keras keeps its weights in
 * its own file (`<run note>.weights.h5`), which CNN Lab does not read, so the note names no weights.
 */
import type { ModelSpec } from "../../engine/model-spec";
import { commentBlock, type ExportOptions } from "./python";
import { toKeras } from "./keras";
import { kerasTrainingLines } from "./keras-training";
import { augmentLines, writesAugment } from "./augment-py";
import { HELPERS, NOTE_WRITER, settingsLines, type TrainScriptPlan } from "./torch-train-script";

/** `model = keras.Sequential([...])` of the Keras export as a function that builds a fresh one. */
function buildModelLines(model: ModelSpec): string[] | null {
	const lines = toKeras(model, { shapeCheck: false }).split("\n");
	const start = lines.findIndex((l) => l === "model = keras.Sequential([");
	if (start < 0) return null;
	const end = lines.indexOf("])", start);
	return ["def build_model():", "    return keras.Sequential([", ...lines.slice(start + 1, end).map((l) => `    ${l}`), "    ])", "", "model = build_model()"];
}

const KERAS_MAIN = String.raw`
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
`;

/** The Keras training script for a block (the plan is the PyTorch script's). */
export function toKerasTrainScript(plan: TrainScriptPlan, opts: ExportOptions = {}): string {
	const build = buildModelLines(plan.model);
	if (!build) return toKeras(plan.model, opts);
	const last = plan.model.layers[plan.model.layers.length - 1];
	const out = [
		"#!/usr/bin/env python3",
		...commentBlock(opts, "Keras").trimEnd().split("\n"),
		"#",
		"# A training script (cnn-lab export --to keras --train): the block's network trained with model.fit on CNN Lab's",
		"# data, split and batch order, with CNN Lab's first weights; a callback writes a run note into the vault in CNN",
		"# Lab's format after every epoch, and the Keras weights beside it (<run note>.weights.h5).",
		"#   python3 this_script.py --vault VAULT [--epochs E]",
		"import argparse",
		"import gzip",
		"import json",
		"import math",
		"import os",
		"import re",
		"import struct",
		"import sys",
		"import time",
		"from decimal import Decimal",
		"",
		"import numpy as np",
		"import keras",
		"from keras import layers",
		"",
		...build,
		"",
		...kerasTrainingLines(plan.train),
		"",
		...(writesAugment(plan.train.augment) ? [...augmentLines(plan.train.augment, plan.model.input, true), ""] : []),
		...settingsLines(plan),
		'FRAMEWORK = "keras"',
		`FROM_LOGITS = ${last?.type === "softmax" ? "False" : "True"}  # CNN Lab's loss is on the scores; a trailing softmax gives probabilities`,
		HELPERS,
		NOTE_WRITER,
		KERAS_MAIN,
	];
	return out.join("\n");
}
