/**
 * The train line's `augment …` written out in the exported script as NumPy (no torchvision, no Keras
 * preprocessing layers): the same transform as src/engine/augment.ts — flip, rotation about the centre, integer
 * shift, nearest-neighbour through the inverse map with zeros outside, then Gaussian noise kept in 0..1. Only
 * numbers from the spec reach the code; the note's text never does.
 */
import type { AugmentSpec } from "../../engine/augment";
import { pyNumber } from "./python";

/**
 * Whether the export writes augmentation (the engine's augmentsAnything; the exporters, in main.js too, take no
 * engine value import but through shared-engine, and this is one line).
 */
export function writesAugment(a: AugmentSpec | null | undefined): a is AugmentSpec {
	return !!a && (a.shift > 0 || a.flip || a.rotate > 0 || a.noise > 0);
}

/**
 * Python lines defining AUG_* constants, warp_image(img, dx, dy, flip, degrees) for one C×H×W image and
 * augment_batch(x, rng) for an N×C×H×W batch, then a check on a batch of the input's shape. `channelsLast` (Keras)
 * adds augment_batch_nhwc for N×H×W×C batches.
 */
export function augmentLines(a: AugmentSpec, input: readonly number[], channelsLast: boolean): string[] {
	const [c, h, w] = input;
	const out = [
		"# Augmentation of training batches (the block's `augment`), written out in NumPy: no torchvision needed.",
		"# Per image: flip left-right half the time, rotate by a uniform angle in +-AUG_ROTATE degrees (clockwise as",
		"# drawn) about the centre, shift by up to +-AUG_SHIFT pixels, sampled nearest-neighbour with zeros coming in,",
		"# then Gaussian noise of standard deviation AUG_NOISE, kept in 0..1. Training batches only: never validation",
		"# or test. NumPy's generator draws other numbers than CNN Lab's, so the same seed gives another sequence.",
		"import numpy as np",
		"",
		`AUG_SHIFT = ${Math.round(a.shift)}`,
		`AUG_FLIP = ${a.flip ? "True" : "False"}`,
		`AUG_ROTATE = ${pyNumber(a.rotate)}`,
		`AUG_NOISE = ${pyNumber(a.noise)}`,
		"",
		"def warp_image(img, dx, dy, flip, degrees):",
		'    """One C x H x W image flipped, turned and shifted (dx right, dy down), as CNN Lab does it."""',
		"    _, h, w = img.shape",
		"    cy, cx = (h - 1) / 2, (w - 1) / 2",
		"    oy, ox = np.meshgrid(np.arange(h), np.arange(w), indexing='ij')",
		"    rad = np.deg2rad(degrees)",
		"    u, v = ox - dx - cx, oy - dy - cy",
		"    rx = np.cos(rad) * u + np.sin(rad) * v + cx",
		"    ry = -np.sin(rad) * u + np.cos(rad) * v + cy",
		"    if flip:",
		"        rx = w - 1 - rx",
		"    sx = np.floor(rx + 0.5 + 1e-9).astype(np.int64)",
		"    sy = np.floor(ry + 0.5 + 1e-9).astype(np.int64)",
		"    inside = (sx >= 0) & (sx < w) & (sy >= 0) & (sy < h)",
		"    picked = img[:, np.clip(sy, 0, h - 1), np.clip(sx, 0, w - 1)]",
		"    return np.where(inside[None], picked, 0).astype(img.dtype)",
		"",
		"def augment_batch(x, rng):",
		'    """A new N x C x H x W batch, augmented; rng is a numpy.random.Generator (np.random.default_rng(seed))."""',
		"    out = np.empty_like(x)",
		"    for k in range(x.shape[0]):",
		"        dx = int(rng.integers(-AUG_SHIFT, AUG_SHIFT + 1)) if AUG_SHIFT > 0 else 0",
		"        dy = int(rng.integers(-AUG_SHIFT, AUG_SHIFT + 1)) if AUG_SHIFT > 0 else 0",
		"        flip = AUG_FLIP and rng.random() < 0.5",
		"        degrees = (2 * rng.random() - 1) * AUG_ROTATE if AUG_ROTATE > 0 else 0.0",
		"        out[k] = warp_image(x[k], dx, dy, flip, degrees)",
		"    if AUG_NOISE > 0:",
		"        out = np.clip(out + rng.normal(0.0, AUG_NOISE, out.shape), 0.0, 1.0).astype(x.dtype)",
		"    return out",
		"",
	];
	if (channelsLast) {
		out.push(
			"def augment_batch_nhwc(x, rng):",
			'    """The same for Keras\'s N x H x W x C batches."""',
			"    return np.transpose(augment_batch(np.transpose(x, (0, 3, 1, 2)), rng), (0, 2, 3, 1))",
			"",
		);
	} else {
		out.push(
			"def augment_tensor(xb, rng):",
			'    """In a training loop, on training batches only: xb = augment_tensor(xb, rng)."""',
			"    return torch.from_numpy(augment_batch(xb.detach().cpu().numpy(), rng)).to(xb.device)",
			"",
		);
	}
	const shape = channelsLast ? `(4, ${h}, ${w}, ${c})` : `(4, ${c}, ${h}, ${w})`;
	const call = channelsLast ? "augment_batch_nhwc" : "augment_batch";
	out.push(
		"# Check: an augmented batch keeps its shape and its values in 0..1.",
		"aug_rng = np.random.default_rng(0)",
		`aug_x = np.random.default_rng(1).random(${shape}).astype(np.float32)`,
		`aug_y = ${call}(aug_x, aug_rng)`,
		"assert aug_y.shape == aug_x.shape and aug_y.min() >= 0 and aug_y.max() <= 1, aug_y.shape",
		'print("augmentation:", aug_y.shape)',
	);
	return out;
}
