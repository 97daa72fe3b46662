/** How names are compared in the name index: kept apart from the search so fan-out bundles no request code. */

/** NFKC (full-width letters, digits and brackets folded to ASCII), no whitespace, lower case. */
export const normaliseName = (name: string) => name.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
