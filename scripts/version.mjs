// `npm version 0.2.0` (or patch / minor / major) runs this after bumping package.json: manifest.json gets the same
// version and versions.json maps it to the manifest's minAppVersion, which is how Obsidian offers an older plugin
// version to an older app. As the sample plugin's version-bump.mjs; the files are read from the working directory.
import { readFileSync, writeFileSync } from "node:fs";

const version = process.env.npm_package_version;
if (!version) {
	console.error("scripts/version.mjs runs from `npm version`, which sets npm_package_version");
	process.exit(2);
}

const manifest = JSON.parse(readFileSync("manifest.json", "utf8"));
manifest.version = version;
writeFileSync("manifest.json", JSON.stringify(manifest, null, "\t") + "\n");

const versions = JSON.parse(readFileSync("versions.json", "utf8"));
versions[version] = manifest.minAppVersion;
writeFileSync("versions.json", JSON.stringify(versions, null, "\t") + "\n");
console.log(`manifest.json and versions.json: ${version} (Obsidian ${manifest.minAppVersion} and later)`);
