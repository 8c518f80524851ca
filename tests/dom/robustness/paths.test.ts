// @vitest-environment jsdom
/**
 * Paths written in a note (images, datasets, run links and folders) that leave the vault or name nothing: each
 * gets a clear message in the block, and the vault is never asked for anything outside it (every vault and
 * adapter call is recorded and checked).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Vault, TAbstractFile } from "../../support/obsidian-stub";
import { makeHost, renderBlock, unloadBlock, type Host, type Lang } from "./harness";
import { installFakeCanvas } from "../training/fake-canvas";

beforeAll(() => installFakeCanvas());

let host: Host;
let vault: Vault;
/** Every path the plugin handed to the vault or its adapter, with the method. */
let touched: string[];

const METHODS = ["read", "cachedRead", "readBinary", "create", "createBinary", "createFolder", "modify", "modifyBinary", "process", "rename", "delete", "trash", "append", "getAbstractFileByPath", "getFileByPath", "getFolderByPath"] as const;

function record(target: object, names: readonly string[], label: string): void {
	const obj = target as Record<string, unknown>;
	for (const name of names) {
		const orig = obj[name];
		if (typeof orig !== "function") continue;
		obj[name] = (...args: unknown[]) => {
			const first = args[0];
			touched.push(`${label}${name}:${first instanceof TAbstractFile ? first.path : String(first)}`);
			if (name === "rename") touched.push(`${label}${name}:${String(args[1])}`);
			return (orig as (...a: unknown[]) => unknown).apply(target, args);
		};
	}
}

beforeEach(() => {
	touched = [];
	vault = new Vault({ "Notes/CNN.md": "# CNN", "Notes/cat.png": new Uint8Array([137, 80, 78, 71]), "x.png": new Uint8Array([1]) });
	record(vault, METHODS, "");
	record(vault.adapter, ["exists", "read", "write", "readBinary", "list"], "adapter.");
	host = makeHost(vault);
});

afterEach(() => {
	host.unload();
	document.body.empty();
});

/** True when a path leaves the vault, in any spelling the platforms accept. */
const outside = (p: string): boolean => /(^|[\\/:])\.\.([\\/]|$)/.test(p) || /:(\/|\\)/.test(p.replace(/^[a-zA-Z.]+:/, "")) || /:[a-zA-Z]:[\\/]/.test(p) || /:~/.test(p);

async function show(lang: Lang, source: string, train = false): Promise<string> {
	const r = await renderBlock(host, lang, source, "Notes/CNN.md");
	if (train) {
		r.el.querySelector<HTMLButtonElement>("button.cnn-lab-train")?.click();
		const t0 = Date.now();
		while (!r.el.querySelector(".cnn-lab-results .cnn-lab-error") && Date.now() - t0 < 5000) await new Promise((res) => setTimeout(res, 10));
	}
	const text = (r.el.textContent ?? "").replace(/\s+/g, " ");
	unloadBlock(host, r);
	return text;
}

function expectNothingOutside(): void {
	expect(touched.filter(outside)).toEqual([]);
	// Nothing was written either: the vault holds what it was seeded with.
	expect(vault.getFiles().map((f) => f.path).sort()).toEqual(["Notes/CNN.md", "Notes/cat.png", "x.png"]);
}

describe("images in cnn-conv", () => {
	it.each([
		["![[../x.png]]", /outside|leave|vault/i],
		["![[../../../etc/passwd.png]]", /outside|leave|vault/i],
		["![[/etc/x.png]]", /outside|leave|vault/i],
		["![[C:\\Users\\me\\x.png]]", /outside|leave|vault/i],
		["![[Notes/../../x.png]]", /outside|leave|vault/i],
		["![[missing.png]]", /missing\.png/],
	])("input %s: a message on line 1, nothing read outside", async (link, message) => {
		const text = await show("cnn-conv", `input ${link} gray 16\nkernel sobel-x`);
		expect(text).toMatch(/line 1: /);
		expect(text).toMatch(message);
		expectNothingOutside();
	});
});

describe("datasets on a train line", () => {
	const net = (ds: string): string => ["input 8x8x1", "conv 4 3x3", "relu", "flatten", "dense 10", "softmax", `train ${ds} epochs 1`].join("\n");
	it.each(["../../etc/passwd", "[[../../etc/passwd]]", "/etc/passwd", "C:\\Windows\\win.ini", "Notes/../../secret.csv", "'../x.csv'"])(
		"train %s: refused as outside the vault when Train is pressed",
		async (ds) => {
			const text = await show("cnn", net(ds), true);
			expect(text).toMatch(/Training failed: .*outside|Training failed: .*vault/i);
			expectNothingOutside();
		},
	);

	it("train missing.csv: names the file it could not find", async () => {
		const text = await show("cnn", net("missing.csv"), true);
		expect(text).toMatch(/Training failed: .*missing\.csv/);
		expectNothingOutside();
	});
});

describe("run links and folders in cnn-log", () => {
	it.each([
		["runs [[../../x]]"],
		["folder ../.."],
		["folder /etc"],
		["folder C:\\Users"],
		["runs [[/etc/passwd]]"],
	])("%s: a message on its line, nothing read outside", async (source) => {
		const text = await show("cnn-log", source);
		expect(text).toMatch(/line 1: /);
		expectNothingOutside();
	});

	it("runs [[../../x]] says why: the link would leave the vault", async () => {
		expect(await show("cnn-log", "runs [[../../x]]")).toMatch(/line 1: \[\[\.\.\/\.\.\/x\]\] cannot be shown: "\.\." would leave the vault/);
		expect(await show("cnn-log", "runs [[/etc/passwd]]")).toMatch(/line 1: .*absolute path/);
		expectNothingOutside();
	});

	it("folder Nowhere / runs [[No such run]]: says what is missing", async () => {
		expect(await show("cnn-log", "folder Nowhere")).toMatch(/Nowhere/);
		expect(await show("cnn-log", "runs [[No such run]]")).toMatch(/No such run/);
		expectNothingOutside();
	});
});
