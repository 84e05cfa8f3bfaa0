import type { Migration } from './migration'

/**
 * Finding orders at any history size. Everything here is kept in step with
 * `orders` and `outbox` by triggers, so every writer (create, edit, cancel,
 * the relay's outcomes, pruning) updates it inside its own transaction and no
 * code path can forget to.
 *
 * - `order_facets`: one row per order with a stable integer `doc` (the FTS
 *   rowid: an implicit rowid may be renumbered by VACUUM), its time, its sync
 *   state and whether it is cancelled. Indexed for keyset pages by filter.
 * - `orders_fts`: contentless FTS5 over customer, item names and note.
 *   unicode61 with remove_diacritics 2 folds case and accents ("cafe" finds
 *   "Café"); prefix indexes make "as you type" prefix queries cheap. CJK text
 *   has no spaces, so a run of Han characters is one token and a prefix query
 *   finds it ("王小" finds "王小明").
 * - `order_counters`: maintained counts the list header shows, so it never
 *   counts the table.
 * - `customer_names` / `item_names`: what the form suggests, looked up by an
 *   index range, with the last price of each item.
 */
/** Exported for later migrations: a shipped migration never changes, so its fragments mean the same forever. */
export const SYNC_OF = (alias: string) => `CASE
  WHEN ${alias}.dead > 0 THEN CASE WHEN ${alias}.live_dead > 0 THEN 'attention' ELSE 'discarded' END
  WHEN ${alias}.pending > 0 THEN 'waiting'
  ELSE 'sent' END`

const ITEM_TEXT = (items: string) => `coalesce((SELECT group_concat(json_extract(value, '$.name'), ' ') FROM json_each(${items})), '')`

export const REMEMBER = (o: string) => `
    INSERT INTO customer_names (name, last_used, uses) VALUES (${o}.customer, ${o}.created_at, 1)
      ON CONFLICT (name) DO UPDATE SET uses = uses + 1, last_used = max(last_used, excluded.last_used);
    INSERT INTO item_names (name, unit_price_minor, currency, last_used)
      SELECT json_extract(value, '$.name'), json_extract(value, '$.unitPriceMinor'), ${o}.currency, ${o}.created_at
      FROM json_each(${o}.items) WHERE json_extract(value, '$.name') IS NOT NULL
      ON CONFLICT (name) DO UPDATE SET unit_price_minor = excluded.unit_price_minor, currency = excluded.currency,
        last_used = excluded.last_used
      WHERE excluded.last_used >= item_names.last_used;`

export const migration005: Migration = {
  version: 5,
  name: 'search, filters, counters and suggestions',
  up: `
    CREATE TABLE order_facets (
      doc        INTEGER PRIMARY KEY,
      order_id   TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      pending    INTEGER NOT NULL DEFAULT 0,
      dead       INTEGER NOT NULL DEFAULT 0,
      live_dead  INTEGER NOT NULL DEFAULT 0,
      sync       TEXT NOT NULL DEFAULT 'sent' CHECK (sync IN ('waiting', 'sent', 'attention', 'discarded')),
      cancelled  INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX order_facets_newest ON order_facets (created_at DESC, order_id DESC);
    CREATE INDEX order_facets_by_sync ON order_facets (sync, created_at DESC, order_id DESC);
    CREATE INDEX order_facets_by_cancelled ON order_facets (cancelled, created_at DESC, order_id DESC);

    CREATE TABLE order_counters (key TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT;

    CREATE VIRTUAL TABLE orders_fts USING fts5 (
      customer, items, note,
      content = '', contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 2',
      prefix = '1 2 3'
    );

    CREATE TABLE customer_names (
      name      TEXT PRIMARY KEY COLLATE NOCASE,
      last_used TEXT NOT NULL,
      uses      INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE item_names (
      name             TEXT PRIMARY KEY COLLATE NOCASE,
      unit_price_minor INTEGER,
      currency         TEXT NOT NULL,
      last_used        TEXT NOT NULL
    ) STRICT;

    -- Backfill from what is already there.
    INSERT INTO order_facets (order_id, created_at, cancelled)
      SELECT id, created_at, state = 'cancelled' FROM orders ORDER BY created_at, id;
    UPDATE order_facets SET
      pending   = (SELECT count(*) FROM outbox WHERE aggregate_id = order_id AND status = 'pending'),
      dead      = (SELECT count(*) FROM outbox WHERE aggregate_id = order_id AND status = 'dead'),
      live_dead = (SELECT count(*) FROM outbox WHERE aggregate_id = order_id AND status = 'dead' AND discarded_at IS NULL);
    UPDATE order_facets SET sync = ${SYNC_OF('order_facets')};
    INSERT INTO orders_fts (rowid, customer, items, note)
      SELECT f.doc, o.customer, ${ITEM_TEXT('o.items')}, coalesce(o.note, '')
      FROM orders o JOIN order_facets f ON f.order_id = o.id;
    INSERT INTO order_counters (key, n) VALUES ('all', (SELECT count(*) FROM order_facets));
    INSERT INTO order_counters (key, n) VALUES ('cancelled', (SELECT count(*) FROM order_facets WHERE cancelled = 1));
    INSERT INTO order_counters (key, n)
      SELECT 'sync:' || s, (SELECT count(*) FROM order_facets WHERE sync = s)
      FROM (SELECT 'waiting' AS s UNION ALL SELECT 'sent' UNION ALL SELECT 'attention' UNION ALL SELECT 'discarded');
    INSERT INTO customer_names (name, last_used, uses)
      SELECT customer, max(created_at), count(*) FROM orders WHERE true GROUP BY customer COLLATE NOCASE
      ON CONFLICT (name) DO NOTHING;
    INSERT INTO item_names (name, unit_price_minor, currency, last_used)
      SELECT json_extract(j.value, '$.name'), json_extract(j.value, '$.unitPriceMinor'), o.currency, o.created_at
      FROM orders o, json_each(o.items) j WHERE json_extract(j.value, '$.name') IS NOT NULL ORDER BY o.created_at
      ON CONFLICT (name) DO UPDATE SET unit_price_minor = excluded.unit_price_minor, currency = excluded.currency,
        last_used = excluded.last_used;

    -- Orders: facets, text and suggestions follow every insert, edit, cancel.
    CREATE TRIGGER orders_find_insert AFTER INSERT ON orders BEGIN
      INSERT INTO order_facets (order_id, created_at, cancelled) VALUES (new.id, new.created_at, new.state = 'cancelled');
      INSERT INTO orders_fts (rowid, customer, items, note)
        VALUES ((SELECT doc FROM order_facets WHERE order_id = new.id), new.customer, ${ITEM_TEXT('new.items')}, coalesce(new.note, ''));
      ${REMEMBER('new')}
    END;
    CREATE TRIGGER orders_find_update AFTER UPDATE ON orders BEGIN
      UPDATE order_facets SET order_id = new.id, created_at = new.created_at, cancelled = new.state = 'cancelled'
        WHERE order_id = old.id;
      DELETE FROM orders_fts WHERE rowid = (SELECT doc FROM order_facets WHERE order_id = new.id);
      INSERT INTO orders_fts (rowid, customer, items, note)
        VALUES ((SELECT doc FROM order_facets WHERE order_id = new.id), new.customer, ${ITEM_TEXT('new.items')}, coalesce(new.note, ''));
      ${REMEMBER('new')}
    END;
    CREATE TRIGGER orders_find_delete AFTER DELETE ON orders BEGIN
      DELETE FROM orders_fts WHERE rowid = (SELECT doc FROM order_facets WHERE order_id = old.id);
      DELETE FROM order_facets WHERE order_id = old.id;
    END;

    -- Facets: the counters follow each row's sync state and cancellation.
    CREATE TRIGGER order_facets_count_insert AFTER INSERT ON order_facets BEGIN
      UPDATE order_counters SET n = n + 1 WHERE key IN ('all', 'sync:' || new.sync);
      UPDATE order_counters SET n = n + 1 WHERE key = 'cancelled' AND new.cancelled = 1;
    END;
    CREATE TRIGGER order_facets_count_update AFTER UPDATE OF sync, cancelled ON order_facets
      WHEN old.sync IS NOT new.sync OR old.cancelled IS NOT new.cancelled BEGIN
      UPDATE order_counters SET n = n - 1 WHERE key = 'sync:' || old.sync;
      UPDATE order_counters SET n = n + 1 WHERE key = 'sync:' || new.sync;
      UPDATE order_counters SET n = n + new.cancelled - old.cancelled WHERE key = 'cancelled';
    END;
    CREATE TRIGGER order_facets_count_delete AFTER DELETE ON order_facets BEGIN
      UPDATE order_counters SET n = n - 1 WHERE key IN ('all', 'sync:' || old.sync);
      UPDATE order_counters SET n = n - 1 WHERE key = 'cancelled' AND old.cancelled = 1;
    END;

    -- Outbox: an order's sync state is derived from its events' statuses.
    CREATE TRIGGER outbox_facets_insert AFTER INSERT ON outbox BEGIN
      UPDATE order_facets SET pending = pending + (new.status = 'pending'), dead = dead + (new.status = 'dead'),
        live_dead = live_dead + (new.status = 'dead' AND new.discarded_at IS NULL)
        WHERE order_id = new.aggregate_id;
      UPDATE order_facets SET sync = ${SYNC_OF('order_facets')} WHERE order_id = new.aggregate_id;
    END;
    CREATE TRIGGER outbox_facets_update AFTER UPDATE OF status, discarded_at, aggregate_id ON outbox BEGIN
      UPDATE order_facets SET pending = pending - (old.status = 'pending'), dead = dead - (old.status = 'dead'),
        live_dead = live_dead - (old.status = 'dead' AND old.discarded_at IS NULL)
        WHERE order_id = old.aggregate_id;
      UPDATE order_facets SET pending = pending + (new.status = 'pending'), dead = dead + (new.status = 'dead'),
        live_dead = live_dead + (new.status = 'dead' AND new.discarded_at IS NULL)
        WHERE order_id = new.aggregate_id;
      UPDATE order_facets SET sync = ${SYNC_OF('order_facets')} WHERE order_id IN (old.aggregate_id, new.aggregate_id);
    END;
    CREATE TRIGGER outbox_facets_delete AFTER DELETE ON outbox BEGIN
      UPDATE order_facets SET pending = pending - (old.status = 'pending'), dead = dead - (old.status = 'dead'),
        live_dead = live_dead - (old.status = 'dead' AND old.discarded_at IS NULL)
        WHERE order_id = old.aggregate_id;
      UPDATE order_facets SET sync = ${SYNC_OF('order_facets')} WHERE order_id = old.aggregate_id;
    END;
  `,
}
