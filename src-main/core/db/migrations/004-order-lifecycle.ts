import type { Migration } from './migration'

/**
 * Orders that change: edit, cancel, undo, and fixing a refused change.
 *
 * - `orders.version` starts at 1 and grows by one per change; the outbox
 *   event of each change carries it, and the server applies them in order.
 * - `orders.state` is open or cancelled (a cancelled order stays listed).
 * - Quantities become exact integer thousandths (`quantityMilli`, 1.5 kg =
 *   1500) in the items JSON: no floating point in the record. Old rows only
 *   ever held whole quantities, so × 1000 is exact.
 * - `order_versions`: every version's full state, for the detail's history
 *   and for "Discard this change" (back to the last accepted version). It is
 *   its own table because the outbox is pruned after 30 days. A discarded
 *   change keeps its row (marked `discarded_at`) and frees its version
 *   number, so what reaches the server stays contiguous.
 */
export const migration004: Migration = {
  version: 4,
  name: 'order lifecycle',
  up: `
    ALTER TABLE orders ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE orders ADD COLUMN state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'cancelled'));
    ALTER TABLE orders ADD COLUMN updated_at TEXT;
    ALTER TABLE orders ADD COLUMN cancelled_at TEXT;
    ALTER TABLE orders ADD COLUMN cancel_reason TEXT;

    UPDATE orders SET items = (
      SELECT json_group_array(json_object(
               'name', json_extract(value, '$.name'),
               'quantityMilli', CAST(json_extract(value, '$.quantity') * 1000 AS INTEGER),
               'unitPriceMinor', json_extract(value, '$.unitPriceMinor')) ORDER BY key)
      FROM json_each(orders.items));

    CREATE TABLE order_versions (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      order_id     TEXT NOT NULL REFERENCES orders (id),
      version      INTEGER NOT NULL CHECK (version >= 1),
      kind         TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'cancelled')),
      -- The order's full state after this change, as the orders row holds it.
      snapshot     TEXT NOT NULL CHECK (json_valid(snapshot)),
      -- The outbox event that carries it (no foreign key: sent events are pruned).
      event_id     TEXT UNIQUE,
      at           TEXT NOT NULL,
      discarded_at TEXT
    ) STRICT;
    CREATE UNIQUE INDEX order_versions_live ON order_versions (order_id, version) WHERE discarded_at IS NULL;
    CREATE INDEX order_versions_by_order ON order_versions (order_id, id);

    INSERT INTO order_versions (order_id, version, kind, snapshot, event_id, at)
      SELECT o.id, 1, 'created',
             json_object('customer', o.customer, 'note', o.note, 'currency', o.currency, 'items', json(o.items),
                         'totalMinor', o.total_minor, 'state', 'open', 'cancelReason', NULL),
             (SELECT e.id FROM outbox e WHERE e.aggregate_id = o.id AND e.type = 'OrderCreated' ORDER BY e.seq LIMIT 1),
             o.created_at
      FROM orders o;
  `,
}
