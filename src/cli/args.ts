/** The command line's words: a command, paths, and --flags (with values for --to and --block). */
export interface CliArgs {
	command: string | null;
	paths: string[];
	json: boolean;
	to: string | null;
	block: number | null;
	/** export: the safetensors file the PyTorch script loads. */
	weights: string | null;
	/** export --weights: embed inputs and CNN Lab's logits, and assert PyTorch's match. */
	check: boolean;
	/** export --train: a training script that writes its run note into the vault. */
	train: boolean;
	/** export --train: the file the script is written to (a built-in set's CSV goes beside it). */
	out: string | null;
	help: boolean;
	version: boolean;
	/** Problems with the words themselves (unknown flag, missing value). */
	errors: string[];
}

export function parseArgs(argv: readonly string[]): CliArgs {
	const a: CliArgs = { command: null, paths: [], json: false, to: null, block: null, weights: null, check: false, train: false, out: null, help: false, version: false, errors: [] };
	for (let i = 0; i < argv.length; i++) {
		const w = argv[i];
		const eq = w.indexOf("=");
		const flag = w.startsWith("--") && eq > 0 ? w.slice(0, eq) : w;
		const inline = w.startsWith("--") && eq > 0 ? w.slice(eq + 1) : null;
		const value = (): string | null => {
			if (inline !== null) return inline;
			const v = argv[i + 1];
			if (v === undefined || v.startsWith("--")) {
				a.errors.push(`${flag} needs a value`);
				return null;
			}
			i++;
			return v;
		};
		if (flag === "--json") a.json = true;
		else if (flag === "--help" || flag === "-h") a.help = true;
		else if (flag === "--version" || flag === "-v") a.version = true;
		else if (flag === "--to") a.to = value();
		else if (flag === "--weights") a.weights = value();
		else if (flag === "--check") a.check = true;
		else if (flag === "--train") a.train = true;
		else if (flag === "--out") a.out = value();
		else if (flag === "--block") {
			const v = value();
			if (v !== null) {
				const n = Number(v);
				if (Number.isInteger(n) && n >= 1) a.block = n;
				else a.errors.push(`--block wants a block number (1, 2, …), not "${v}"`);
			}
		} else if (w.startsWith("-") && w !== "-") a.errors.push(`unknown option ${w}`);
		else if (a.command === null) a.command = w;
		else a.paths.push(w);
	}
	return a;
}

export const USAGE = `cnn-lab — CNN Lab's notes from the command line

Usage:
  cnn-lab check <note.md | folder>… [--json]
      Every \`\`\`cnn block and inline \`cnn:\` span: shapes, formulas, parameters, multiply-adds,
      receptive field and problems, with the note's line numbers. Exit code 1 when a block has an error.
  cnn-lab export --to pytorch|keras <note.md> [--block N]
      Prints the block's network as a runnable PyTorch or Keras script with a shape check.
  cnn-lab export --to pytorch <note.md> --weights <run.safetensors> [--check] [--block N]
  cnn-lab export --to keras <note.md> --weights <run.safetensors> [--block N]
      The PyTorch script also loads the weights (load_state_dict, strict); with --check it carries 8 inputs
      of the block's dataset and CNN Lab's logits for them, and exits 1 unless PyTorch's match to 1e-4.
      The Keras script loads them with NumPy, converted to channels last.
  cnn-lab export --to pytorch|keras --train <note.md> [--block N] [--out script.py]
      A training script for the block: CNN Lab's data, split, batch order, first weights, optimizer and
      schedule. python3 script.py --vault DIR [--epochs E] [--device cpu|cuda] [--distributed] writes a
      run note (framework: pytorch) and its weights into the vault's runs folder. The built-in digits or
      shapes are written beside the script as a CSV. Keras: model.fit and a callback that writes the note.
  cnn-lab train <note.md> [--block N] [--json]
      Trains the block (its \`train …\` line) with the CNN Lab engine and writes the run note into the
      vault's runs folder ("CNN runs" unless the plugin's settings say otherwise).

Blocks are numbered from 1 in the order they stand in the note.`;
