import type { Migration } from './migration'

/**
 * What the user needs to see about deliveries: each attempt's outcome, the
 * server's last reply and HTTP status, and whether a dead event was discarded.
 */
export const migration003: Migration = {
  version: 3,
  name: 'delivery history',
  up: `
    ALTER TABLE outbox ADD COLUMN last_http_status INTEGER;
    ALTER TABLE outbox ADD COLUMN server_reply TEXT;
    ALTER TABLE outbox ADD COLUMN discarded_at TEXT;

    CREATE TABLE outbox_attempts (
      id          INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id    TEXT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
      at          TEXT NOT NULL,
      http_status INTEGER,
      outcome     TEXT NOT NULL,
      error       TEXT
    ) STRICT;
    CREATE INDEX outbox_attempts_by_event ON outbox_attempts (event_id, id);
    CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE status = 'sent';
  `,
}
