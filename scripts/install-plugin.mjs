// Copies the built plugin (main.js, manifest.json, styles.css) into <vault>/.obsidian/plugins/cnn-lab/.
// Usage: npm run build && npm run install-plugin -- <path to vault>
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const vault = process.argv[2];
if (!vault) {
	console.error("usage: npm run install-plugin -- <path to your vault>");
	process.exit(2);
}
const root = resolve(vault);
if (!existsSync(root) || !statSync(root).isDirectory()) {
	console.error(`install-plugin: ${root} is not a folder`);
	process.exit(2);
}
if (!existsSync(join(root, ".obsidian"))) console.warn(`install-plugin: ${root} has no .obsidian folder yet; creating it (open the folder as a vault in Obsidian once to be sure it is one)`);
const missing = ["main.js", "manifest.json", "styles.css"].filter((f) => !existsSync(f));
if (missing.length) {
	console.error(`install-plugin: ${missing.join(", ")} missing; run \`npm run build\` first`);
	process.exit(1);
}
const dest = join(root, ".obsidian", "plugins", "cnn-lab");
mkdirSync(dest, { recursive: true });
for (const f of ["main.js", "manifest.json", "styles.css"]) copyFileSync(f, join(dest, f));
console.log(`installed CNN Lab into ${dest}; in Obsidian: Settings → Community plugins → enable "CNN Lab" (reload the app if it was already enabled)`);
