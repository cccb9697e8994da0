import { lexer, type Token, type Tokens } from 'marked';

/*
 * The code blocks of a Markdown document, as the docs test runs them. A ```sh block is an
 * example the test runs; any block may instead be marked, on the line before it,
 *   <!-- not run: why this cannot run in the test -->
 * and every other block must be: an example nobody runs is an example that rots.
 */

export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** Why it is not run; undefined for a block the test runs. */
  notRun?: string;
}

const MARKER = /^<!--\s*not run\b:?\s*([\s\S]*?)\s*-->\s*$/;
const RUNNABLE = 'sh';

/** Blocks in document order (also inside lists and quotes), and what is wrong with their marking. */
export function docBlocks(file: string, markdown: string): { blocks: DocBlock[]; problems: string[] } {
  const blocks: DocBlock[] = [];
  const problems: string[] = [];
  let searchFrom = 0;
  const lineOf = (raw: string) => {
    const first = raw.trimStart().split('\n')[0] ?? '';
    const at = markdown.indexOf(first, searchFrom);
    if (at < 0) return 0;
    searchFrom = at + first.length;
    return markdown.slice(0, at).split('\n').length;
  };

  const visit = (tokens: Token[]) => {
    let marker: { reason: string; line: number } | undefined;
    for (const token of tokens) {
      if (token.type === 'space') continue;
      if (token.type === 'code') {
        const code = token as Tokens.Code;
        const block: DocBlock = { file, line: lineOf(code.raw), lang: code.lang?.split(/\s/)[0] ?? '', code: code.text };
        if (marker) {
          block.notRun = marker.reason;
          if (!marker.reason) problems.push(`${file}:${marker.line}: say why the block below is not run: <!-- not run: the reason -->`);
        } else if (block.lang !== RUNNABLE) {
          problems.push(
            `${file}:${block.line}: a \`\`\`${block.lang} block the docs test neither runs nor skips; make it a \`\`\`sh example that runs, or put <!-- not run: the reason --> on the line before it`,
          );
        }
        blocks.push(block);
        marker = undefined;
        continue;
      }
      if (marker) problems.push(`${file}:${marker.line}: a not-run marker must stand right before a code block`);
      marker = undefined;
      const match = token.type === 'html' ? MARKER.exec(token.raw.trim()) : null;
      if (match) marker = { reason: match[1] ?? '', line: lineOf(token.raw) };
      else if ('tokens' in token && token.tokens) visit(token.tokens);
      if (token.type === 'list') for (const item of (token as Tokens.List).items) visit(item.tokens);
    }
    if (marker) problems.push(`${file}:${marker.line}: a not-run marker must stand right before a code block`);
  };
  visit(lexer(markdown));
  return { blocks, problems };
}
