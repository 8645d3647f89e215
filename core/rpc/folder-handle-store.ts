/**
 * Where the page keeps the directory handles the user picked for folder sync
 * (IndexedDB through idb-keyval), and the node worker finds them: one
 * database name for both sides. A handle is the browser's grant to a folder,
 * not its contents; it outlives a restart, its permission may not.
 */
export const FOLDER_HANDLE_DB = 'cairn-folder-handles'
export const FOLDER_HANDLE_STORE = 'handles'
