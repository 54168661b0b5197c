/**
 * Markdown to safe HTML for documents that travel with a model (MODEL_CARD.md): marked
 * renders, DOMPurify strips anything executable. Both load on first use only.
 */
export async function renderMarkdown(markdown: string): Promise<string> {
  const [{ marked }, { default: DOMPurify }] = await Promise.all([import('marked'), import('dompurify')]);
  return DOMPurify.sanitize(marked.parse(markdown, { async: false }));
}
