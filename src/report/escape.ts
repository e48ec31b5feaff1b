// Text from run names, configs and git metadata ends up inside HTML and SVG; escape all of it.

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for element content and double- or single-quoted attributes (HTML and SVG alike). */
export function escapeXml(text: string): string {
  // Control characters other than tab/newline are not allowed in XML; drop them instead of breaking the SVG.
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "");
}

/**
 * Escapes text for Markdown (headings, list items, table cells): pipes would split cells, newlines end rows,
 * and raw `<tag>` or `*`/`_` would be rendered as HTML or emphasis by most Markdown viewers.
 */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]|]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, " ");
}
