import type { Migration } from './migration'

/** Orders and their transactional outbox. */
export const migration001: Migration = {
  version: 1,
  name: 'orders and outbox',
  up: `
    CREATE TABLE orders (
      id          TEXT PRIMARY KEY,
      customer    TEXT NOT NULL,
      note        TEXT,
      currency    TEXT NOT NULL CHECK (length(currency) = 3),
      items       TEXT NOT NULL CHECK (json_valid(items)),
      total_minor INTEGER NOT NULL CHECK (total_minor >= 0),
      created_at  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX orders_newest ON orders (created_at DESC, id DESC);

    -- seq keeps creation order even if two events share a millisecond.
    CREATE TABLE outbox (
      seq             INTEGER PRIMARY KEY AUTOINCREMENT,
      id              TEXT NOT NULL UNIQUE,
      aggregate_id    TEXT NOT NULL REFERENCES orders (id),
      type            TEXT NOT NULL,
      payload         TEXT NOT NULL CHECK (json_valid(payload)),
      created_at      TEXT NOT NULL,
      status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
      attempts        INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER,
      last_error      TEXT,
      sent_at         TEXT
    ) STRICT;
    CREATE INDEX outbox_by_status ON outbox (status, seq);
    CREATE INDEX outbox_by_aggregate ON outbox (aggregate_id, seq);
  `,
}
