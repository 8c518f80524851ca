/** Python and NumPy reprs (a pasted `print(history.history)`) turned into JSON without evaluating anything. */
import { t } from "../../i18n";
import "../../i18n/strings-log";

const PY_NULL = new Set(["nan", "NaN", "None", "null"]);
/** JSON has no infinity: Python's inf is carried as the string "Infinity", which the history reader turns back. */
const PY_INF = new Set(["inf", "Infinity"]);
const PY_BOOL: Record<string, string> = { True: "true", False: "false", true: "true", false: "false" };

/**
 * Python / NumPy reprs to JSON in one linear pass (a pasted block is parsed on every keystroke, so no regex that
 * could backtrack): quotes, nan / None as null, inf as "Infinity", np.float64(x) wrappers dropped, trailing commas dropped.
 * Nothing is ever evaluated; an unknown name is an error.
 */
export function pythonToJson(s: string): string {
	const out: string[] = [];
	const closers: boolean[] = [];
	const n = s.length;
	let i = 0;
	while (i < n) {
		const c = s[i];
		if (c === "'" || c === '"') {
			let j = i + 1;
			let buf = "";
			while (j < n && s[j] !== c) {
				if (s[j] === "\\" && j + 1 < n) {
					buf += s[j + 1];
					j += 2;
				} else buf += s[j++];
			}
			if (j >= n) throw new Error(t("log.keras.unterminated", { at: i + 1 }));
			out.push(JSON.stringify(buf));
			i = j + 1;
			continue;
		}
		if (/[A-Za-z_]/.test(c)) {
			let j = i + 1;
			while (j < n && /[\w.]/.test(s[j])) j++;
			const id = s.slice(i, j);
			i = j;
			if (PY_NULL.has(id) || PY_INF.has(id)) {
				const negative = out.length > 0 && out[out.length - 1] === "-";
				if (negative) out.pop();
				out.push(PY_NULL.has(id) ? "null" : negative ? '"-Infinity"' : '"Infinity"');
			} else if (id in PY_BOOL) out.push(PY_BOOL[id]);
			else if (/^(np|numpy)\.(float|int)(16|32|64)?$/.test(id) && s[i] === "(") {
				closers.push(true);
				i++;
			} else throw new Error(t("log.keras.unknownName", { name: id.slice(0, 30) }));
			continue;
		}
		if (c === "(") closers.push(false);
		if (c === ")" && closers.length) {
			i++;
			if (closers.pop()) continue;
			out.push(c);
			continue;
		}
		if (c === "}" || c === "]") {
			// Drop a trailing comma (and the blanks after it) before a closing bracket.
			let k = out.length - 1;
			while (k >= 0 && /^\s$/.test(out[k])) k--;
			if (k >= 0 && out[k] === ",") out.splice(k, 1);
		}
		out.push(c);
		i++;
	}
	return out.join("");
}

