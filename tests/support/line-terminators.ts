/** Every character Python or JavaScript may end a line at, and the other controls a note could hold. */
export const LINE_TERMINATORS: Record<string, string> = {
	CR: "\r", LF: "\n", CRLF: "\r\n", VT: "\u000b", FF: "\u000c", FS: "\u001c", GS: "\u001d", RS: "\u001e",
	NEL: "\u0085", LS: "\u2028", PS: "\u2029", NUL: "\u0000",
};

/** Any of them but the LF that ends a generated line. */
// eslint-disable-next-line no-control-regex -- the control characters are what no generated line may hold
export const FOREIGN_TERMINATOR = /[\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029\u0000]/u;
