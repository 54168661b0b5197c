/** The CSV read/write rules shared by the browser and the CLI: src/core/table.ts, table-export.ts, column-mapping.ts. */
import { describe, expect, it } from 'vitest';
import iconv from '@vscode/iconv-lite-umd';
import Papa from 'papaparse';
import { bytesSource, guessHeader, openTable, sniffEncoding, TableReader, utf16AsUtf8, type OpenOptions } from '../../src/core/table';
import { columnList, composeRow, guessMapping, mappingProblem } from '../../src/core/column-mapping';
import { exportTable, guardCell, type ExportKind, type OutputEncoding } from '../../src/core/table-export';
import { DEFAULT_RECORD_TEMPLATE } from '../../src/core/record-template';

const utf8 = (s: string) => new TextEncoder().encode(s);
const open = (name: string, bytes: Uint8Array, options?: OpenOptions) => openTable(bytesSource(name, bytes), options);
const CSV = '姓名,地址,邮编,电话,标签\r\n张三,北京市朝阳区望京街道123号,100102,13812345678,正确\r\n李四,"上海市浦东新区, 张江路""88""号",200120,=1+2,错误\r\n';

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

describe('reading tables', () => {
  it.each([
    ['UTF-8', utf8(CSV), 'utf-8'],
    ['UTF-8 with BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(CSV)]), 'utf-8'],
    ['GBK', new Uint8Array(iconv.encode(CSV, 'gbk')), 'gb18030'],
  ])('reads %s with the same cells, header and quoting', async (_, bytes, encoding) => {
    const t = await open('a.csv', bytes);
    expect(t.encoding).toBe(encoding);
    expect(t.hasHeader).toBe(true);
    expect(t.header).toEqual(['姓名', '地址', '邮编', '电话', '标签']);
    expect(t.rowCount).toBe(2);
    expect(t.newline).toBe('\r\n');
    const reader = new TableReader(bytesSource('a.csv', bytes), t);
    expect(await reader.cells([1, 0])).toEqual([
      ['李四', '上海市浦东新区, 张江路"88"号', '200120', '=1+2', '错误'],
      ['张三', '北京市朝阳区望京街道123号', '100102', '13812345678', '正确'],
    ]);
  });

  it('sniffs tab and semicolon delimiters, and TSV/JSONL/TXT by extension', async () => {
    expect((await open('a.csv', utf8('name;address\n张三;北京\n'))).delimiter).toBe(';');
    const tsv = await open('a.tsv', utf8('name\taddress\n张三\t北京,朝阳\n'));
    expect(tsv.delimiter).toBe('\t');
    expect(tsv.preview).toEqual([['张三', '北京,朝阳']]);
    const jsonl = await open('a.jsonl', utf8('{"name":"张三","address":"北京"}\n\n{"address":"上海","phone":13800000000}\n'));
    expect(jsonl.header).toEqual(['name', 'address', 'phone']);
    expect(await new TableReader(bytesSource('a.jsonl', utf8('{"name":"张三","address":"北京"}\n\n{"address":"上海","phone":13800000000}\n')), jsonl).range(0, 5)).toEqual([
      ['张三', '北京', ''],
      ['', '上海', '13800000000'],
    ]);
    const txt = await open('a.txt', utf8('北京市 "海淀区", 1号\n\n上海\n'));
    expect([txt.header, txt.rowCount, txt.preview]).toEqual([['record'], 2, [['北京市 "海淀区", 1号'], ['上海']]]);
  });

  it('guesses the header from known names or a text cell over numbers, and can be told', async () => {
    expect(guessHeader([['客户', '号码'], ['张三', '13812345678'], ['李四', '13912345678']])).toBe(true);
    expect(guessHeader([['张三', '北京'], ['李四', '上海']])).toBe(false);
    const t = await open('n.csv', utf8('张三,北京\n李四,上海\n'));
    expect([t.hasHeader, t.header, t.rowCount]).toEqual([false, ['column 1', 'column 2'], 2]);
    const told = await open('n.csv', utf8('张三,北京\n李四,上海\n'), { hasHeader: true });
    expect([told.hasHeader, told.headerGuess, told.header, told.rowCount]).toEqual([true, false, ['张三', '北京'], 1]);
  });

  it('indexes a file of many blocks and re-reads any row, quoted line breaks included', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => [`名${i}`, i % 7 === 0 ? `多行\n地址 "${i}"` : `地址${i},号`, String(100000 + i)]);
    const text = Papa.unparse({ fields: ['name', 'address', 'postcode'], data: rows });
    const bytes = utf8(text);
    const t = await open('big.csv', bytes);
    expect(t.blocks.length).toBeGreaterThan(5);
    expect(t.rowCount).toBe(rows.length);
    expect(t.warnings).toEqual([]);
    const reader = new TableReader(bytesSource('big.csv', bytes), t, 2);
    expect(await reader.cells([29_999, 0, 14_007])).toEqual([rows[29_999], rows[0], rows[14_007]]);
    expect(await reader.range(9_998, 4)).toEqual(rows.slice(9_998, 10_002));
    let n = 0;
    for await (const { first, rows: got } of reader.chunks()) {
      expect(first).toBe(n);
      n += got.length;
    }
    expect(n).toBe(rows.length);
  });

  it('reports ragged rows and giant cells by line, record and column, and keeps them', async () => {
    const big = 'x'.repeat(9000);
    const t = await open('r.csv', utf8(`name,address\n张三,北京\n李四\n王五,上海,多余\n赵六,${big}\n`));
    expect(t.rowCount).toBe(4);
    expect(t.warnings).toEqual([
      { line: 3, record: 2, message: '1 fields, the header has 2' },
      { line: 4, record: 3, message: '3 fields, the header has 2' },
      { line: 5, record: 4, column: 'address', message: 'a cell of 9,000 characters; only its first 8192 are scored' },
    ]);
  });

  it('tells line from record where they differ: quoted line breaks, blank lines, no header, CR-only ends', async () => {
    // Line 2 holds a cell with two line breaks inside quotes, line 5 is blank: 李四 (record 2) is on line 6.
    const t = await open('multi.csv', utf8('name,address\n张三,"北京\n海淀\n学院路"\n\n李四\n王五,上海\n'));
    expect(t.warnings).toEqual([{ line: 6, record: 2, message: '1 fields, the header has 2' }]);
    const source = bytesSource('multi.csv', utf8('name,address\n张三,"北京\n海淀\n学院路"\n\n李四\n王五,上海\n'));
    expect(await new TableReader(source, t).lines([0, 1, 2])).toEqual([2, 6, 7]);
    // Without a header the first line is record 1; CR-only line ends count as lines.
    const bare = await open('bare.csv', utf8('1,2\r3\r4,5\r'), { hasHeader: false });
    expect(bare.warnings).toEqual([{ line: 2, record: 2, message: '1 fields, the header has 2' }]);
    // Many blocks: the last row's line is still exact.
    const n = 20_000;
    const long = 'name,address\n' + '张三,"北京\n海淀"\n'.repeat(n) + '李四\n';
    const index = await open('long.csv', utf8(long));
    expect(index.blocks.length).toBeGreaterThan(1);
    expect(index.warnings).toEqual([{ line: 2 + 2 * n, record: n + 1, message: '1 fields, the header has 2' }]);
    expect(await new TableReader(bytesSource('long.csv', utf8(long)), index).lines([n - 1, n])).toEqual([2 * n, 2 + 2 * n]);
  });

  it.each([
    ['empty.csv', new Uint8Array(0), /empty\.csv: empty file, nothing to score/],
    ['blank.csv', utf8('\n\n'), /blank\.csv: empty file, nothing to score/],
    ['bom.csv', new Uint8Array([0xef, 0xbb, 0xbf]), /bom\.csv: empty file, nothing to score/],
    ['header.csv', utf8('name,address\n'), /header\.csv: header only, no records/],
    ['image.csv', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), /image\.csv: a binary file, not a text table \(a NUL byte at offset 8\)/],
    ['latin.csv', new Uint8Array([...utf8('name\nabc'), 0xff, 0xfe, 0xff, 0x0a]), /latin\.csv: unknown encoding: .*neither UTF-8 nor GBK\/GB18030 \(first bad byte at offset 8\)/],
    ['open.csv', utf8('name,address\n张三,"北京\n李四,上海\n'), /open\.csv line 2: .*(unterminated|never closed)/i],
    ['bad.jsonl', utf8('{"a":\n\n[1]\n'), /bad\.jsonl: no line is a JSON object \(line 1: not valid JSON/],
    ['list.jsonl', utf8('[1,2]\n'), /list\.jsonl: no line is a JSON object \(line 1: not a JSON object\)/],
    ['x.xlsx', utf8('a'), /x\.xlsx: unsupported file type '\.xlsx'/],
  ])('refuses %s with a message naming the file and row', async (name, bytes, message) => {
    await expect(open(name, bytes)).rejects.toThrow(message);
  });

  it.each([
    ['utf-16le', [0xff, 0xfe]],
    ['utf-16be', [0xfe, 0xff]],
  ] as const)("reads %s with a byte-order mark, a .txt with tabs as the table it is (Excel's Unicode text)", async (encoding, bom) => {
    const text = '姓名\t地址\r\n张三\t北京市海淀区学院路29号\r\n李四\t上海市静安区南京西路1000号\r\n';
    const le = Buffer.from(text, 'utf16le');
    const body = encoding === 'utf-16le' ? le : Buffer.from(le).swap16();
    const source = await utf16AsUtf8(bytesSource('unicode.txt', new Uint8Array([...bom, ...body])));
    const index = await openTable(source);
    expect([index.kind, index.encoding, index.header, index.rowCount]).toEqual(['tsv', 'utf-8', ['姓名', '地址'], 2]);
    expect(await new TableReader(source, index).range(0, 2)).toEqual([
      ['张三', '北京市海淀区学院路29号'],
      ['李四', '上海市静安区南京西路1000号'],
    ]);
    const plain = bytesSource('plain.csv', utf8('a\n'));
    expect(await utf16AsUtf8(plain)).toBe(plain); // anything else passes through untouched
  });

  it('refuses UTF-16 whose bytes are not UTF-16, and names the file', async () => {
    const lone = new Uint8Array([0xff, 0xfe, 0x00, 0xd8, 0x61, 0x00]); // a lone high surrogate
    await expect(utf16AsUtf8(bytesSource('bad16.txt', lone))).rejects.toThrow(/bad16\.txt: starts with a UTF-16LE byte-order mark, but its bytes are not valid UTF-16LE/);
  });

  it('splits a .txt with CR-only line ends (classic Mac) into its records', async () => {
    const text = '北京市海淀区学院路29号\r上海市静安区南京西路1000号\r广州市天河区体育西路191号\r';
    const index = await open('mac.txt', utf8(text));
    expect([index.kind, index.rowCount]).toEqual(['txt', 3]);
    expect(await new TableReader(bytesSource('mac.txt', utf8(text)), index).range(0, 3)).toEqual([
      ['北京市海淀区学院路29号'],
      ['上海市静安区南京西路1000号'],
      ['广州市天河区体育西路191号'],
    ]);
    const long = await open('mac-long.txt', utf8('北京市海淀区学院路29号\r'.repeat(10_000))); // several 64 KB blocks
    expect([long.rowCount, long.blocks.length > 1]).toEqual([10_000, true]);
  });

  it('skips a broken JSONL line with a warning that names its line, and reads the rest', async () => {
    const text = '{"address":"北京"}\n\n{"address":\n[1]\n{"address":"上海"}\n';
    const index = await open('one-bad.jsonl', utf8(text));
    expect(index.rowCount).toBe(2);
    expect(index.warnings).toEqual([
      { line: 3, record: null, message: expect.stringMatching(/^not valid JSON \(.*\); line skipped$/) },
      { line: 4, record: null, message: 'not a JSON object; line skipped' },
    ]);
    const rows = await new TableReader(bytesSource('one-bad.jsonl', utf8(text)), index).range(0, 2);
    expect(rows).toEqual([['北京'], ['上海']]);
  });

  it('counts JSONL lines across blocks when it names a broken one', async () => {
    const good = '{"address":"北京市海淀区学院路29号"}\n';
    const n = 5_000; // about 300 KB: several 64 KB blocks
    const text = good.repeat(n) + '{broken\n' + good;
    const index = await open('long.jsonl', utf8(text));
    expect(index.rowCount).toBe(n + 1);
    expect(index.warnings).toEqual([{ line: n + 1, record: null, message: expect.stringMatching(/not valid JSON/) }]);
    expect(index.blocks.length).toBeGreaterThan(1);
  });

  it('tells UTF-8 from GBK on the sample, whatever the sample cut', () => {
    const gbk = new Uint8Array(iconv.encode('北京市朝阳区'.repeat(10), 'gbk'));
    expect(sniffEncoding(gbk, 'g.csv')).toBe('gb18030');
    const u = utf8('北京市朝阳区');
    expect(sniffEncoding(u.subarray(0, 4), 'u.csv')).toBe('utf-8'); // cut inside 京
  });
});

describe('column mapping', () => {
  it('guesses template fields and the label from Chinese and English headers', () => {
    const m = guessMapping(['ID', 'Name', '详细地址', 'zip', '手机', 'label']);
    expect(m).toEqual({ whole: null, fields: { name: 1, address: 2, postcode: 3, phone: 4 }, extras: [], label: 5, errorClass: null });
    expect(guessMapping(['record']).whole).toBe(0);
    expect(guessMapping(['foo', 'bar']).whole).toBeNull();
  });

  it('guesses the error-class column from error_class, 错误类型, 错误类别 or error type', () => {
    expect(guessMapping(['record', 'label', 'error_class']).errorClass).toBe(2);
    expect(guessMapping(['记录', '标签', '错误类型'])).toMatchObject({ whole: 0, label: 1, errorClass: 2 });
    expect(guessMapping(['地址', '错误类别']).errorClass).toBe(1);
    expect(guessMapping(['text', 'Error Type ']).errorClass).toBe(1);
    expect(guessMapping(['text', 'note']).errorClass).toBeNull();
    // A chosen column that is not in the file is refused like any other.
    expect(mappingProblem({ ...guessMapping(['record']), errorClass: 3 }, ['record'], 'f.csv')).toMatch(/column 3 does not exist/);
  });

  it('composes the exact record text, extras as header：value, cells capped', () => {
    const header = ['姓名', '地址', '邮编', '电话', '备注'];
    const m = { ...guessMapping(header), extras: [4] };
    expect(composeRow([' 张三 ', '北京', '100102', '', '加急'], header, m, DEFAULT_RECORD_TEMPLATE)).toBe('张三，北京，邮编：100102，备注：加急');
    expect(composeRow(['x'.repeat(10_000)], ['record'], guessMapping(['record'])).length).toBe(8192);
  });

  it('lists a header for a message with a bound on names and on each name', () => {
    expect(columnList(['a', 'b'])).toBe('a, b');
    const wide = Array.from({ length: 10_000 }, (_, i) => (i === 1 ? '地址'.repeat(500) : `c${i}`));
    expect(columnList(wide)).toBe(`c0, ${'地址'.repeat(20)}…, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11 and 9,988 more`);
  });

  it('names what is missing or wrong in a mapping', () => {
    const header = ['a', 'b'];
    expect(mappingProblem(guessMapping(header), header, 'f.csv')).toMatch(/f\.csv: no column selected/);
    expect(mappingProblem({ ...guessMapping(header), whole: 0, label: 0 }, header, 'f.csv')).toMatch(/column 'a' is both the label and part of the record/);
    expect(mappingProblem({ ...guessMapping(header), whole: 5 }, header, 'f.csv')).toMatch(/column 5 does not exist/);
    expect(mappingProblem({ ...guessMapping(header), whole: 1 }, header, 'f.csv')).toBeNull();
  });
});

describe('writing tables', () => {
  it('neutralises formula cells', () => {
    expect(['=SUM(A1)', '+1', '-2', '@x', '\tx', '\rx', 'ok', ' =x', ''].map(guardCell)).toEqual([
      "'=SUM(A1)", "'+1", "'-2", "'@x", "'\tx", "'\rx", 'ok', ' =x', '',
    ]);
  });

  it.each([
    ['full', 'utf-8-bom', 4],
    ['cleaned', 'utf-8', 2],
    ['flagged', 'gb18030', 2],
  ] as [ExportKind, OutputEncoding, number][])('exports %s as %s with the right rows and bytes', async (kind, encoding, lines) => {
    const bytes = utf8('name,phone\n张三,=1+2\n李四,13800000000\n王五\n');
    const t = await open('e.csv', bytes);
    const reader = new TableReader(bytesSource('e.csv', bytes), t);
    const out = await collect(exportTable(reader, { p: new Float32Array([0.9, 0.2, NaN]), threshold: 0.5 }, kind, encoding));
    if (encoding === 'utf-8-bom') expect([...out.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = encoding === 'gb18030' ? iconv.decode(out, 'gb18030') : new TextDecoder().decode(out);
    const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
    expect(parsed).toHaveLength(lines);
    const expected = {
      full: [['name', 'phone', 'p_correct', 'verdict'], ['张三', "'=1+2", '0.900000', 'correct'], ['李四', '13800000000', '0.200000', 'wrong'], ['王五', '', '', '']],
      cleaned: [['name', 'phone'], ['张三', "'=1+2"]],
      flagged: [['name', 'phone', 'p_correct', 'verdict'], ['李四', '13800000000', '0.200000', 'wrong']],
    }[kind];
    expect(parsed).toEqual(expected);
    expect(text).toContain('\r\n');
  });
});

describe('places in messages', () => {
  it('names the line of bytes that are not valid in the encoding the file was read as', async () => {
    // The first megabyte (the encoding sample) is clean UTF-8; line 40,002 holds a stray byte.
    const good = 'name,address\n' + '张三,北京市海淀区学院路29号\n'.repeat(40_000);
    const bytes = new Uint8Array([...utf8(good), ...utf8('李四,上'), 0xff, ...utf8('海\n')]);
    expect(bytes.length).toBeGreaterThan(1024 * 1024);
    await expect(open('late.csv', bytes)).rejects.toThrow(/^late\.csv line 40002: bytes that are not valid UTF-8/);
  });
});
