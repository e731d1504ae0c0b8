/** Renders editor Markdown to safe HTML and to plain text; raw HTML is never passed through. */
import MarkdownIt from 'markdown-it';

// html: false escapes any raw HTML an editor writes; linkify turns bare www addresses into links.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

// Links to other sites open in a new tab and leak no referrer.
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const href = token.attrGet('href') ?? '';
  if (/^https?:\/\//.test(href)) {
    token.attrSet('target', '_blank');
    token.attrSet('rel', 'noopener noreferrer');
  }
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export const renderHtml = (markdown: string): string => md.render(markdown);

/**
 * Plain text: paragraphs separated by blank lines, list items as "- " or "1. " lines. With `links`,
 * a web link keeps its address after its words ("formulaire de contact (https://…)"), so a reader of
 * the plain text (the chat, the API) can still open it; tel: and mailto: links show the number or
 * address already.
 */
export function renderText(markdown: string, options: { links?: boolean } = {}): string {
  const tokens = md.parse(markdown, {});
  const blocks: string[] = [];
  const listStack: { ordered: boolean; n: number }[] = [];
  let current = '';
  for (const t of tokens) {
    if (t.type === 'bullet_list_open') listStack.push({ ordered: false, n: 0 });
    else if (t.type === 'ordered_list_open') listStack.push({ ordered: true, n: Number(t.attrGet('start') ?? 1) - 1 });
    else if (t.type === 'bullet_list_close' || t.type === 'ordered_list_close') listStack.pop();
    else if (t.type === 'list_item_open') {
      const list = listStack[listStack.length - 1];
      if (list) {
        list.n += 1;
        current = list.ordered ? `${list.n}. ` : '- ';
      }
    } else if (t.type === 'inline') {
      let href: string | null = null;
      let label = '';
      current += (t.children ?? [])
        .map((c) => {
          if (c.type === 'link_open') {
            href = c.attrGet('href');
            label = '';
            return '';
          }
          if (c.type === 'link_close') {
            const shown = options.links && href && /^https:\/\//.test(href) && !label.includes(href.replace(/^https:\/\//, '').replace(/\/$/, '')) ? ` (${href})` : '';
            href = null;
            return shown;
          }
          const piece = c.type === 'softbreak' || c.type === 'hardbreak' ? ' ' : c.type === 'text' || c.type === 'code_inline' ? c.content : '';
          if (href) label += piece;
          return piece;
        })
        .join('');
    } else if (t.type === 'paragraph_close' || t.type === 'heading_close' || t.type === 'code_block' || t.type === 'fence') {
      if (t.type === 'code_block' || t.type === 'fence') current += t.content.trim();
      if (current.trim()) blocks.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) blocks.push(current.trim());
  // List items are one block each; keep them on consecutive lines.
  return blocks.reduce((out, b, i) => {
    if (i === 0) return b;
    const isItem = /^(- |\d+\. )/.test(b);
    return out + (isItem ? '\n' : '\n\n') + b;
  }, '');
}

// A second parser that recognises raw HTML, only to point editors at it.
const withHtml = new MarkdownIt({ html: true });

/** Raw HTML tags in Markdown source, reported by content:check (they would be shown as text). */
export function findRawHtml(markdown: string): { line: number; tag: string }[] {
  const found: { line: number; tag: string }[] = [];
  for (const t of withHtml.parse(markdown, {})) {
    if (t.type === 'html_block') found.push({ line: (t.map?.[0] ?? 0) + 1, tag: t.content.trim().slice(0, 40) });
    // Inline tokens know only their paragraph's first line; count the line breaks before the tag.
    let offset = 0;
    for (const c of t.children ?? []) {
      if (c.type === 'softbreak' || c.type === 'hardbreak') offset++;
      if (c.type === 'html_inline') found.push({ line: (t.map?.[0] ?? 0) + 1 + offset, tag: c.content.slice(0, 40) });
    }
  }
  return found;
}
