// Knowledge-base rules without a database: what /kb was asked, the search form, version diffs, ranking.
import { describe, expect, it } from 'vitest';
import { candidateLookups, coverage, diffArticle, matchScore, parseKbCommand, parseTags, rank, searchForm, validateArticle, type ArticleDraft, type MatchFigures } from '../../src/modules/kb/kb.rules.js';

const draft: ArticleDraft = { title: '小票打印机卡纸', symptom: '打印小票时卡纸', cause: '纸卷装反', fix: '重新装纸', product: 'POS', faultCategory: 'printer', tags: ['paper jam'] };
const none: MatchFigures = { titleWord: 0, textWord: 0, titleSimilarity: 0, inTitle: false, inText: false, titleCoverage: 0, textCoverage: 0 };

describe('kb rules', () => {
  it.each([
    ['', 'help'],
    ['   ', 'help'],
    ['help', 'help'],
    ['打', 'help'],
    ['？！。，', 'help'],
    ['!!! ...', 'help'],
    ['a', 'help'],
    ['new', 'new'],
    ['faults', 'faults'],
    ['KB-12', 'article'],
    ['kb-0012', 'article'],
    ['OPS-2026-7', 'ticket'],
    ['打印', 'search'],
    ['vpn', 'search'],
    ['POS机 黑屏', 'search'],
  ])('reads /kb %j as %s', (text, kind) => {
    expect(parseKbCommand(text).kind).toBe(kind);
  });

  it('reads ids and the fault table product exactly', () => {
    expect(parseKbCommand('kb-0012')).toEqual({ kind: 'article', key: 'KB-12' });
    expect(parseKbCommand('ops-2026-07')).toEqual({ kind: 'ticket', key: 'OPS-2026-7' });
    expect(parseKbCommand('faults 积分产品')).toEqual({ kind: 'faults', product: '积分产品' });
  });

  it('turns Chinese runs into character pairs and keeps words, full-width folded', () => {
    expect(searchForm('打印机卡纸')).toBe(' 打印 印机 机卡 卡纸 ');
    expect(searchForm('ＰＯＳ机 黑屏, Error 809!')).toBe(' pos 机 黑屏 error 809 ');
    expect(searchForm('？！')).toBe(' ');
  });

  it('measures the share of query words found, prefixes of long words included', () => {
    expect(coverage(searchForm('打印机卡纸'), searchForm('小票打印机频繁卡纸'))).toBe(0.75);
    expect(coverage(searchForm('printers'), searchForm('receipt printer'))).toBe(1);
    expect(coverage(searchForm('vpn'), searchForm('wifi'))).toBe(0);
  });

  it('leaves English stopwords out of coverage unless the query has nothing else', () => {
    // "for" is in both, and says nothing: only laptop of laptop, new, hire counts.
    expect(coverage(searchForm('Request a new laptop for a new hire'), searchForm('laptop asks for the password again'))).toBe(0.25);
    expect(coverage(searchForm('how to'), searchForm('how to reset it'))).toBe(1);
  });

  it('looks candidates up by all words, all but one, then each word alone in the title', () => {
    const lookups = candidateLookups(searchForm('打印机卡纸'));
    expect(lookups.slice(0, 2)).toEqual([
      { on: 'title', words: ['打印', '印机', '机卡', '卡纸'], weight: 8 },
      { on: 'text', words: ['打印', '印机', '机卡', '卡纸'], weight: 4 },
    ]);
    expect(lookups).toContainEqual({ on: 'title', words: ['打印', '印机', '卡纸'], weight: 3 });
    expect(lookups).toContainEqual({ on: 'text', words: ['打印', '印机', '卡纸'], weight: 2 });
    expect(lookups.filter((l) => l.words.length === 1).map((l) => l.words[0])).toEqual(['打印', '印机', '机卡', '卡纸']);
    // Stopwords are not looked up; two-letter Latin words are not looked up alone.
    const english = candidateLookups(searchForm('the VPN is down on my PC'));
    expect(english[0]!.words).toEqual(['vpn', 'down', 'pc']);
    expect(english.filter((l) => l.words.length === 1).map((l) => l.words[0])).toEqual(['vpn', 'down']);
    expect(candidateLookups(searchForm('？！'))).toEqual([]);
  });

  it('records only the fields an edit changed, in form order', () => {
    const after = { ...draft, fix: '按正确方向重新装纸', tags: ['paper jam', '卡纸'], product: 'POS ' };
    expect(diffArticle(draft, after)).toEqual([
      { field: 'fix', from: '重新装纸', to: '按正确方向重新装纸' },
      { field: 'tags', from: 'paper jam', to: 'paper jam, 卡纸' },
    ]);
    expect(diffArticle(draft, { ...draft })).toEqual([]);
  });

  it('splits tags on either comma width and drops repeats', () => {
    expect(parseTags('POS， 黑屏, pos; black screen、')).toEqual(['POS', '黑屏', 'black screen']);
  });

  it('requires title, symptom and fix and a known category', () => {
    const problems = validateArticle({ ...draft, title: ' ', fix: '', faultCategory: 'plumbing' }, ['printer']);
    expect(Object.keys(problems).sort()).toEqual(['fault_category', 'fix', 'title']);
    expect(validateArticle({ ...draft, title: '长'.repeat(151) }, ['printer']).title?.key).toBe('error.too_long');
  });

  it('ranks a title match over a body match, a phrase adds, ties go to the newer article', () => {
    const inTitle = { ...none, titleWord: 0.6, titleCoverage: 0.8, textWord: 0.6, textCoverage: 0.8 };
    const inBody = { ...none, textWord: 0.9, textCoverage: 1 };
    const phrase = { ...inTitle, inTitle: true, inText: true };
    expect(matchScore(phrase)).toBeGreaterThan(matchScore(inTitle));
    expect(matchScore(inTitle)).toBeGreaterThan(matchScore(inBody));
    const ranked = rank(
      [
        { id: 1, figures: inBody },
        { id: 2, figures: inTitle },
        { id: 3, figures: phrase },
        { id: 4, figures: inTitle },
        { id: 5, figures: none },
      ],
      0.1,
      3,
    );
    expect(ranked.map((r) => r.id)).toEqual([3, 4, 2]);
    expect(rank([{ id: 5, figures: none }], 0.1, 3)).toEqual([]);
  });
});
