import type { Migration } from './migration'

/**
 * Fixing a refused change (issue 11): "Edit and resend" and "Discard this
 * change" settle the refused event and the changes waiting behind it. They
 * leave the outbox, so they never block the order again and can never be
 * sent (the relay reads only the outbox), but stay on record here with their
 * delivery history (outbox_attempts rows cascade away with the outbox row):
 *
 * - `settled_as = 'replaced'`: the user's correction went out in its place;
 * - `settled_as = 'discarded'`: the order went back to the version the server
 *   accepted.
 *
 * `status` is what the event was when settled: `dead` (refused) or `pending`
 * (waiting behind it, and so provably never handed to the network).
 */
export const migration006: Migration = {
  version: 6,
  name: 'settled events',
  up: `
    CREATE TABLE outbox_settled (
      id               TEXT PRIMARY KEY,
      seq              INTEGER NOT NULL,
      aggregate_id     TEXT NOT NULL REFERENCES orders (id),
      type             TEXT NOT NULL,
      payload          TEXT NOT NULL CHECK (json_valid(payload)),
      created_at       TEXT NOT NULL,
      status           TEXT NOT NULL CHECK (status IN ('pending', 'dead')),
      attempts         INTEGER NOT NULL,
      last_error       TEXT,
      last_http_status INTEGER,
      server_reply     TEXT,
      history          TEXT NOT NULL CHECK (json_valid(history)),
      settled_at       TEXT NOT NULL,
      settled_as       TEXT NOT NULL CHECK (settled_as IN ('replaced', 'discarded')),
      replaced_by      TEXT
    ) STRICT;
    CREATE INDEX outbox_settled_by_order ON outbox_settled (aggregate_id, seq);
  `,
}
