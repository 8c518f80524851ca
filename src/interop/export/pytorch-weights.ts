/**
 * The PyTorch export with trained weights: after the model (toPyTorch), the script reads a safetensors file
 * (with the `safetensors` package when installed, otherwise with the few lines below: 8 bytes of header length, a
 * JSON header, raw little-endian data), loads it with load_state_dict(strict=True) and, with a check, runs inputs
 * CNN Lab ran and asserts PyTorch's logits match CNN Lab's to 1e-4 in evaluation mode (exit 1 and the worst
 * difference otherwise). No note text enters the code: the weights file's name only when it is a plain file name.
 */
import type { ModelSpec } from "../../engine/model-spec";
import { pyNumber, type ExportOptions } from "./python";
import { toPyTorch } from "./pytorch";

/** Inputs CNN Lab ran through the trained network, with the logits it computed (a trailing softmax not applied). */
export interface LogitsCheck {
	/** n × C×H×W values. */
	inputs: Float32Array;
	/** n × classes values. */
	logits: Float32Array;
	n: number;
	/** Where the inputs come from, for a comment (sanitised words only: a dataset name is not written). */
	from: "dataset" | "random";
}

/** The largest difference allowed between PyTorch's and CNN Lab's logits. */
export const LOGITS_TOLERANCE = 1e-4;

const PLAIN_NAME = /^[A-Za-z0-9 _.-]{1,120}$/;
/** A vault path written into the script as it stands: letters (any script), digits, spaces, `_ . -`, one level per `/`. */
const PLAIN_SEGMENT = /^[\p{L}\p{N} _.-]{1,120}$/u;

/** Whether a vault path can stand in the script as a plain string literal (nothing to escape, no way out of the vault). */
export function plainVaultPath(path: string): boolean {
	const parts = path.split("/");
	return path.length <= 400 && parts.every((p) => PLAIN_SEGMENT.test(p) && p.trim() !== "" && p !== "." && p !== "..");
}

/** Numbers as Python list items, a fixed count per line so that the script stays readable. */
function numberLines(values: Float32Array, perLine: number): string[] {
	const out: string[] = [];
	for (let i = 0; i < values.length; i += perLine) {
		const row: string[] = [];
		for (let j = i; j < Math.min(values.length, i + perLine); j++) row.push(pyNumber(values[j]));
		out.push(`    ${row.join(", ")},`);
	}
	return out;
}

/** The reader used when the safetensors package is missing (Debian ships torch without it). */
const READER = [
	"def read_safetensors(path):",
	"    try:",
	"        from safetensors.torch import load_file",
	"        return load_file(path)",
	"    except ImportError:",
	"        pass",
	"    # The format: 8 bytes of little-endian header length, a JSON header, then the raw little-endian tensors.",
	"    dtypes = {\"F32\": torch.float32, \"F64\": torch.float64, \"F16\": torch.float16, \"I64\": torch.int64, \"I32\": torch.int32}",
	"    with open(path, \"rb\") as f:",
	"        n = struct.unpack(\"<Q\", f.read(8))[0]",
	"        header = json.loads(f.read(n))",
	"        data = f.read()",
	"    tensors = {}",
	"    for name, t in header.items():",
	"        if name == \"__metadata__\":",
	"            continue",
	"        begin, end = t[\"data_offsets\"]",
	"        raw = bytearray(data[begin:end])",
	"        dtype = dtypes[t[\"dtype\"]]",
	"        values = torch.frombuffer(raw, dtype=dtype) if raw else torch.zeros(0, dtype=dtype)",
	"        tensors[name] = values.reshape(t[\"shape\"]).clone()",
	"    return tensors",
];

/**
 * A script that builds the model, loads `weightsFile` into it strictly and, given `check`, compares logits.
 * `where` "beside": the file is looked for by its name beside the script (the CLI's `--weights`); "vault": it is
 * the vault path of the file (the plugin's Copy as PyTorch), read from the folder the script runs in. Either way a
 * first argument names another file, and a name that is not plain is not written at all.
 */
export function toPyTorchWithWeights(model: ModelSpec, weightsFile: string, opts: ExportOptions = {}, check: LogitsCheck | null = null, where: "beside" | "vault" = "beside"): string {
	const base = toPyTorch(model, opts);
	// An architecture that cannot be exported is all comments: there is nothing to load weights into.
	if (!/^model = nn\.Sequential\(/m.test(base)) return base;
	const name = weightsFile.split(/[\\/]/).pop() ?? "";
	const out = [base.trimEnd(), "", "# Trained weights: PyTorch state_dict names, batch-norm running statistics included.", "import json", "import os", "import struct", "import sys", "", ...READER, ""];
	if (where === "vault" && plainVaultPath(weightsFile)) {
		out.push(
			"# The weights file by its path in the vault: run this script from the vault's folder, or name the file.",
			`weights_path = sys.argv[1] if len(sys.argv) > 1 else ${JSON.stringify(weightsFile)}`,
		);
	} else if (where === "beside" && PLAIN_NAME.test(name)) {
		out.push(`weights_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), ${JSON.stringify(name)})`);
	} else {
		out.push("if len(sys.argv) < 2:", "    sys.exit(\"usage: python3 this_script.py WEIGHTS.safetensors\")", "weights_path = sys.argv[1]");
	}
	out.push("model.load_state_dict(read_safetensors(weights_path), strict=True)", "model.eval()", 'print("weights loaded:", weights_path)');
	if (!check) return out.join("\n") + "\n";
	const [c, h, w] = model.input;
	const classes = check.n > 0 ? check.logits.length / check.n : 0;
	out.push(
		"",
		check.from === "dataset"
			? `# Check: ${check.n} inputs of the block's dataset and the logits CNN Lab computed for them (evaluation mode).`
			: `# Check: ${check.n} seeded random inputs (the block names no dataset) and the logits CNN Lab computed for them.`,
		"inputs = torch.tensor([",
		...numberLines(check.inputs, 8),
		`], dtype=torch.float32).reshape(${check.n}, ${c}, ${h}, ${w})`,
		"cnn_lab_logits = torch.tensor([",
		...numberLines(check.logits, 5),
		`], dtype=torch.float32).reshape(${check.n}, ${classes})`,
		"# CNN Lab's logits are the scores before a trailing softmax.",
		"scores = model[:-1] if isinstance(model[-1], nn.Softmax) else model",
		"with torch.no_grad():",
		"    got = scores(inputs)",
		"worst = (got - cnn_lab_logits).abs().max().item()",
		`if not worst <= ${LOGITS_TOLERANCE}:`,
		`    print(f"FAILED: PyTorch's logits differ from CNN Lab's by up to {worst:.3g} (allowed ${LOGITS_TOLERANCE})")`,
		"    sys.exit(1)",
		`print(f"logits match CNN Lab's: worst difference {worst:.3g} over ${check.n} inputs")`,
	);
	return out.join("\n") + "\n";
}
