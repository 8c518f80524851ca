import { AbstractInputSuggest, type App, type TFolder } from "obsidian";
import { vaultFolderPath } from "../runs/vault-paths";

/** How many folders the list shows at once: a vault may have thousands, and typing narrows them. */
const MAX_SUGGESTIONS = 50;

/** The vault's folders that a runs folder may be (hidden ones and names the writer refuses are left out). */
export function folderSuggestions(folders: readonly TFolder[], query: string): TFolder[] {
	const q = query.trim().toLowerCase();
	const usable = folders.filter((f) => vaultFolderPath(f.path).ok);
	const hits = usable.filter((f) => q === "" || f.path.toLowerCase().includes(q));
	// Folders whose name starts with what was typed first, then the rest, each alphabetically.
	const starts = (f: TFolder): number => (f.path.toLowerCase().startsWith(q) || f.name.toLowerCase().startsWith(q) ? 0 : 1);
	return hits.sort((a, b) => starts(a) - starts(b) || a.path.localeCompare(b.path)).slice(0, MAX_SUGGESTIONS);
}

/**
 * The runs-folder field's suggester (Obsidian's AbstractInputSuggest): the vault's folders as the user types.
 * Picking one fills the field and reports it through `onPick`, which runs the same check as typing does.
 */
export class FolderSuggest extends AbstractInputSuggest<TFolder> {
	constructor(
		app: App,
		inputEl: HTMLInputElement,
		private readonly onPick: (path: string) => unknown,
	) {
		super(app, inputEl);
	}

	protected getSuggestions(query: string): TFolder[] {
		return folderSuggestions(this.app.vault.getAllFolders(false), query);
	}

	renderSuggestion(folder: TFolder, el: HTMLElement): void {
		el.setText(folder.path);
	}

	selectSuggestion(folder: TFolder): void {
		this.setValue(folder.path);
		void this.onPick(folder.path);
		this.close();
	}
}
