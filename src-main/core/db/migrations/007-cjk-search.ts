import { REMEMBER } from './005-search'
import type { Migration } from './migration'

/**
 * Chinese (and Japanese) text found by any part of it, not only its start.
 *
 * unicode61 splits on spaces and punctuation, and CJK text has neither
 * between words, so 005 indexed "王小明" as one token and only a prefix query
 * ("王", "王小") found it. Here each CJK character becomes a token of its own:
 * the text fed to the index has a space on each side of every CJK character,
 * and the query side (toMatchQuery in order-query.ts) turns a CJK word into
 * the phrase of its characters ("小明" → "小 明"), which matches them
 * adjacent and in order: any substring of one character or more. Latin text
 * is untouched (prefix, case- and accent-insensitive as before).
 *
 * The spacing is SQL, in the triggers, so every writer (the app, a test or a
 * repair opening the file directly) indexes the same way. Triggers allow no
 * CTE, so the characters are walked with json_each over an array of
 * length(text) zeros; only text that has a CJK character (one GLOB) pays that.
 *
 * CJK_RANGES is frozen with this migration: the query side reads it from here,
 * so it always splits the way the index did. A change needs a new migration
 * that rebuilds the index.
 */
export const CJK_RANGES: readonly (readonly [number, number])[] = [
  [0x2e80, 0x2fdf], // CJK radicals, Kangxi radicals
  [0x3040, 0x30ff], // Hiragana, Katakana
  [0x3100, 0x312f], // Bopomofo (注音)
  [0x31a0, 0x31bf], // Bopomofo extended
  [0x3400, 0x4dbf], // Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xf900, 0xfaff], // Compatibility Ideographs
  [0x20000, 0x323af], // Extensions B–H
]

const GLOB_CLASS = CJK_RANGES.map(([a, b]) => `${String.fromCodePoint(a)}-${String.fromCodePoint(b)}`).join('')
const IS_CJK = (c: string) => CJK_RANGES.map(([a, b]) => `unicode(${c}) BETWEEN ${a} AND ${b}`).join(' OR ')

/** SQL: `text` with a space on each side of every CJK character (text must not be NULL). */
export const SPACE_CJK = (text: string) => `CASE WHEN ${text} GLOB '*[${GLOB_CLASS}]*' THEN (
    SELECT group_concat(CASE WHEN ${IS_CJK('c')} THEN ' ' || c || ' ' ELSE c END, '' ORDER BY k)
    FROM (SELECT cjk_at.key AS k, substr(${text}, cjk_at.key + 1, 1) AS c
          FROM json_each('[' || rtrim(replace(hex(zeroblob(length(${text}))), '00', '0,'), ',') || ']') AS cjk_at)
  ) ELSE ${text} END`

const ITEM_TEXT = (items: string) =>
  `coalesce((SELECT group_concat(${SPACE_CJK("coalesce(json_extract(item.value, '$.name'), '')")}, ' ') FROM json_each(${items}) AS item), '')`
const CUSTOMER_TEXT = (o: string) => SPACE_CJK(`${o}.customer`)
const NOTE_TEXT = (o: string) => SPACE_CJK(`coalesce(${o}.note, '')`)

// The suggestions follow every insert and edit, exactly as in 005.

export const migration007: Migration = {
  version: 7,
  name: 'CJK text searchable by any part',
  up: `
    DROP TRIGGER orders_find_insert;
    DROP TRIGGER orders_find_update;
    -- Rebuilt whole: dropping and refilling is one pass, deleting 1M rows from a contentless index is two.
    DROP TABLE orders_fts;
    CREATE VIRTUAL TABLE orders_fts USING fts5 (
      customer, items, note,
      content = '', contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 2',
      prefix = '1 2 3'
    );
    INSERT INTO orders_fts (rowid, customer, items, note)
      SELECT f.doc, ${CUSTOMER_TEXT('o')}, ${ITEM_TEXT('o.items')}, ${NOTE_TEXT('o')}
      FROM orders o JOIN order_facets f ON f.order_id = o.id ORDER BY f.doc;

    CREATE TRIGGER orders_find_insert AFTER INSERT ON orders BEGIN
      INSERT INTO order_facets (order_id, created_at, cancelled) VALUES (new.id, new.created_at, new.state = 'cancelled');
      INSERT INTO orders_fts (rowid, customer, items, note)
        VALUES ((SELECT doc FROM order_facets WHERE order_id = new.id), ${CUSTOMER_TEXT('new')}, ${ITEM_TEXT('new.items')}, ${NOTE_TEXT('new')});
      ${REMEMBER('new')}
    END;
    CREATE TRIGGER orders_find_update AFTER UPDATE ON orders BEGIN
      UPDATE order_facets SET order_id = new.id, created_at = new.created_at, cancelled = new.state = 'cancelled'
        WHERE order_id = old.id;
      DELETE FROM orders_fts WHERE rowid = (SELECT doc FROM order_facets WHERE order_id = new.id);
      INSERT INTO orders_fts (rowid, customer, items, note)
        VALUES ((SELECT doc FROM order_facets WHERE order_id = new.id), ${CUSTOMER_TEXT('new')}, ${ITEM_TEXT('new.items')}, ${NOTE_TEXT('new')});
      ${REMEMBER('new')}
    END;
  `,
}
