/**
 * Reads the rows of one table of an SQLite database file, read-only and synchronously,
 * following the documented file format (https://www.sqlite.org/fileformat.html: the
 * header, table b-tree pages, records, overflow pages). rpm 4.16+ keeps its packages in
 * `rpmdb.sqlite`; a library (sql.js) would bring 0.6 MB of WebAssembly that starts
 * asynchronously, while a content reader works synchronously inside the layer pass and
 * needs one table of one simple schema. Anything that does not add up is thrown as a
 * SqliteError, whose message says what.
 */

export class SqliteError extends Error {}

/** One value of a record: null, a number (integers fit rpm's), text or a blob. */
export type SqliteValue = null | number | string | Buffer;

const HEADER = 'SQLite format 3\u0000';

export function isSqlite(content: Buffer): boolean {
  return content.length >= 100 && content.toString('latin1', 0, 16) === HEADER;
}

/** Every row of `table` (by name, from sqlite_master), each as its record's values. */
export function readSqliteTable(content: Buffer, table: string): SqliteValue[][] {
  if (!isSqlite(content)) {
    throw new SqliteError('it is not an SQLite database');
  }
  const raw = content.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    throw new SqliteError(`its page size ${raw} is not one SQLite writes`);
  }
  const usable = pageSize - content[20];
  const db = { content, pageSize, usable };
  const schema = tableRows(db, 1);
  const row = schema.find((r) => r[0] === 'table' && r[1] === table);
  if (!row || typeof row[3] !== 'number') {
    throw new SqliteError(`it has no table ${table}`);
  }
  return tableRows(db, row[3]);
}

interface Db {
  content: Buffer;
  pageSize: number;
  usable: number;
}

function page(db: Db, n: number): number {
  const start = (n - 1) * db.pageSize;
  if (n < 1 || start + db.pageSize > db.content.length) {
    throw new SqliteError(`it refers to page ${n}, past its end (truncated?)`);
  }
  return start;
}

/** A varint at `at`: its value and the offset after it. */
function varint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (at + i >= buf.length) {
      throw new SqliteError('a record runs past its page');
    }
    const b = buf[at + i];
    if (i === 8) {
      return [value * 256 + b, at + 9];
    }
    value = value * 128 + (b & 0x7f);
    if (b < 0x80) {
      return [value, at + i + 1];
    }
  }
  return [value, at + 9];
}

/** The rows of the table b-tree rooted at `root`, in rowid order. */
function tableRows(db: Db, root: number): SqliteValue[][] {
  const rows: SqliteValue[][] = [];
  const seen = new Set<number>();
  const walk = (n: number) => {
    if (seen.has(n)) {
      throw new SqliteError(`its page ${n} is reached twice (a loop)`);
    }
    seen.add(n);
    const start = page(db, n);
    const head = start + (n === 1 ? 100 : 0);
    const kind = db.content[head];
    const cells = db.content.readUInt16BE(head + 3);
    if (kind === 0x05) {
      for (let i = 0; i < cells; i++) {
        const cell = start + db.content.readUInt16BE(head + 12 + 2 * i);
        walk(db.content.readUInt32BE(cell));
      }
      walk(db.content.readUInt32BE(head + 8));
    } else if (kind === 0x0d) {
      for (let i = 0; i < cells; i++) {
        rows.push(record(leafPayload(db, start + db.content.readUInt16BE(head + 8 + 2 * i))));
      }
    } else {
      throw new SqliteError(`its page ${n} is not a table page (type ${kind})`);
    }
  };
  walk(root);
  return rows;
}

/** A leaf cell's payload, gathered from its overflow pages when it spills. */
function leafPayload(db: Db, cell: number): Buffer {
  const [size, afterSize] = varint(db.content, cell);
  const [, at] = varint(db.content, afterSize);
  const u = db.usable;
  const x = u - 35;
  if (size <= x) {
    return db.content.subarray(at, at + size);
  }
  const m = Math.floor(((u - 12) * 32) / 255) - 23;
  const k = m + ((size - m) % (u - 4));
  const local = k <= x ? k : m;
  const parts = [db.content.subarray(at, at + local)];
  let left = size - local;
  let next = db.content.readUInt32BE(at + local);
  const seen = new Set<number>();
  while (left > 0) {
    if (next === 0 || seen.has(next)) {
      throw new SqliteError('a value ends before its overflow pages do');
    }
    seen.add(next);
    const start = page(db, next);
    const take = Math.min(left, u - 4);
    parts.push(db.content.subarray(start + 4, start + 4 + take));
    left -= take;
    next = db.content.readUInt32BE(start);
  }
  return Buffer.concat(parts);
}

/** A record's values (serial types 0-9, text and blobs). */
function record(payload: Buffer): SqliteValue[] {
  const [headerSize, first] = varint(payload, 0);
  const types: number[] = [];
  for (let at = first; at < headerSize; ) {
    const [t, next] = varint(payload, at);
    types.push(t);
    at = next;
  }
  const values: SqliteValue[] = [];
  let at = headerSize;
  for (const t of types) {
    const width = t >= 12 ? Math.floor((t - 12) / 2) : [0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0][t];
    if (at + width > payload.length) {
      throw new SqliteError('a record is shorter than its header says');
    }
    if (t === 0) {
      values.push(null);
    } else if (t <= 6) {
      values.push(t === 6 ? Number(payload.readBigInt64BE(at)) : payload.readIntBE(at, width));
    } else if (t === 7) {
      values.push(payload.readDoubleBE(at));
    } else if (t === 8 || t === 9) {
      values.push(t - 8);
    } else if (t >= 12 && t % 2 === 0) {
      values.push(payload.subarray(at, at + width));
    } else if (t >= 13) {
      values.push(payload.toString('utf8', at, at + width));
    } else {
      throw new SqliteError(`a record has the reserved serial type ${t}`);
    }
    at += width;
  }
  return values;
}
