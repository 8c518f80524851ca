// Serves the demo page, the built plugin (main.js, styles.css, manifest.json) and a vault folder on 127.0.0.1.
import http from "node:http";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { buildPage } from "./build.mjs";

const TEXT = new Set([".md", ".txt", ".csv", ".json", ".canvas", ".css", ".js"]);
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json", ".md": "text/markdown; charset=utf-8", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml", ".csv": "text/csv; charset=utf-8" };

function listVault(root, dir = "") {
	const out = [];
	for (const name of readdirSync(join(root, dir)).sort()) {
		if (name.startsWith(".")) continue;
		const rel = dir ? `${dir}/${name}` : name;
		if (statSync(join(root, rel)).isDirectory()) out.push(...listVault(root, rel));
		else out.push({ path: rel, binary: !TEXT.has(extname(name).toLowerCase()) });
	}
	return out;
}

/** Starts the server; resolves to { url, close() }. port 0 picks a free port. */
export async function startServer({ vault, root = process.cwd(), port = 0 }) {
	const page = await buildPage();
	const vaultRoot = resolve(vault);
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? "/", "http://x");
		const path = decodeURIComponent(url.pathname);
		const send = (status, type, body) => {
			res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
			res.end(body);
		};
		if (path === "/" || path === "/index.html") return send(200, TYPES[".html"], page.html);
		if (path === "/page.js") return send(200, TYPES[".js"], page.js);
		if (path === "/page.css") return send(200, TYPES[".css"], page.css);
		if (path === "/vault-index.json") return send(200, TYPES[".json"], JSON.stringify(listVault(vaultRoot)));
		if (["/main.js", "/styles.css", "/manifest.json"].includes(path)) {
			const f = join(root, path.slice(1));
			return existsSync(f) ? send(200, TYPES[extname(f)], readFileSync(f)) : send(404, "text/plain", `${path} not built`);
		}
		if (path.startsWith("/vault/")) {
			const f = resolve(vaultRoot, path.slice("/vault/".length));
			if (!f.startsWith(vaultRoot + sep) || !existsSync(f) || statSync(f).isDirectory()) return send(404, "text/plain", "not found");
			return send(200, TYPES[extname(f).toLowerCase()] ?? "application/octet-stream", readFileSync(f));
		}
		if (path === "/favicon.ico") return send(204, "text/plain", "");
		send(404, "text/plain", "not found");
	});
	await new Promise((r) => server.listen(port, "127.0.0.1", () => r(undefined)));
	const addr = /** @type {import("node:net").AddressInfo} */ (server.address());
	return { url: `http://127.0.0.1:${addr.port}/`, close: () => new Promise((r) => server.close(r)) };
}
