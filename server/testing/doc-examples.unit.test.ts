import { describe, expect, it } from 'vitest';
import { docBlocks } from './doc-examples';

const fence = '```';

describe('docBlocks: which examples of a document the docs test runs', () => {
  it('runs sh blocks, skips marked ones with their reason, in document order with line numbers', () => {
    const md = [
      '# Title', // 1
      '',
      `${fence}sh`, // 3
      'curl -f "$DARKROOM_URL/api/v1/health"',
      fence,
      '',
      '<!-- not run: a sample response -->', // 7
      `${fence}json`, // 8
      '{ "ok": true }',
      fence,
      '',
      '- in a list:',
      '',
      `  ${fence}sh`, // 14
      '  echo listed',
      `  ${fence}`,
    ].join('\n');
    const { blocks, problems } = docBlocks('docs/x.md', md);
    expect(problems).toEqual([]);
    expect(blocks).toEqual([
      { file: 'docs/x.md', line: 3, lang: 'sh', code: 'curl -f "$DARKROOM_URL/api/v1/health"' },
      { file: 'docs/x.md', line: 8, lang: 'json', code: '{ "ok": true }', notRun: 'a sample response' },
      { file: 'docs/x.md', line: 14, lang: 'sh', code: 'echo listed' },
    ]);
  });

  it('a sh block can be marked not run too', () => {
    const { blocks, problems } = docBlocks('d.md', `<!-- not run: a crontab line for the cron host -->\n${fence}sh\n* * * * * curl …\n${fence}\n`);
    expect(problems).toEqual([]);
    expect(blocks[0]?.notRun).toBe('a crontab line for the cron host');
  });

  it.each([
    ['an unmarked json block', `Text.\n\n${fence}json\n{}\n${fence}\n`, /d\.md:3: a ```json block the docs test neither runs nor skips/],
    ['a block without a language', `${fence}\nplain\n${fence}\n`, /d\.md:1: a ``` block/],
    ['an indented code block', `Text.\n\n    indented code\n`, /d\.md:3: a ``` block/],
    ['a marker without a reason', `<!-- not run -->\n${fence}yaml\na: 1\n${fence}\n`, /d\.md:1: say why the block below is not run/],
    ['a marker before a paragraph', `<!-- not run: stray -->\nSome text.\n\n${fence}sh\nls\n${fence}\n`, /d\.md:1: a not-run marker must stand right before a code block/],
  ])('reports %s', (_label, md, problem) => {
    const { problems } = docBlocks('d.md', md);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it('other HTML comments are no markers', () => {
    const { problems } = docBlocks('d.md', `<!-- an editor's note -->\n${fence}json\n{}\n${fence}\n`);
    expect(problems).toHaveLength(1);
  });
});
