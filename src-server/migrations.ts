import type { Db } from './db'

/** Each entry is one schema version; never edit a released one, append. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE devices (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
  );
  -- The inbox: one row per applied event id. Its primary key is the dedup.
  CREATE TABLE inbox (
    event_id text PRIMARY KEY,
    order_id text NOT NULL,
    type text NOT NULL,
    device_id bigint REFERENCES devices (id),
    received_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE orders (
    id text PRIMARY KEY,
    version integer NOT NULL,
    state text NOT NULL,
    doc jsonb NOT NULL,
    device_id bigint REFERENCES devices (id),
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  -- The server's own outbox for downstream consumers. position is assigned
  -- under an advisory lock held until commit, so it is commit order.
  -- event_id is deliberately not unique: a dedup bug must show up as a
  -- duplicate effect, not hide behind a constraint.
  CREATE SEQUENCE changes_position;
  CREATE TABLE changes (
    position bigint PRIMARY KEY,
    event_id text NOT NULL,
    order_id text NOT NULL,
    type text NOT NULL,
    version integer NOT NULL,
    order_doc jsonb NOT NULL,
    device_id bigint REFERENCES devices (id),
    committed_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX changes_event_id ON changes (event_id);
  `,
]

export const SCHEMA_VERSION = MIGRATIONS.length

export class SchemaTooNewError extends Error {}

/** Brings the schema up to date; refuses a database written by a newer server. Safe with several instances starting at once. */
export async function migrate(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    // One migrator at a time across instances.
    await tx.query('SELECT pg_advisory_xact_lock(74110001)')
    await tx.query('CREATE TABLE IF NOT EXISTS outpost_schema (version integer NOT NULL)')
    const rows = await tx.query<{ version: number }>('SELECT version FROM outpost_schema')
    const current = rows[0]?.version ?? 0
    if (current > SCHEMA_VERSION) {
      throw new SchemaTooNewError(
        `the database has schema version ${current}, newer than this server (${SCHEMA_VERSION}); upgrade the server`,
      )
    }
    for (let v = current; v < SCHEMA_VERSION; v++) await tx.exec(MIGRATIONS[v] ?? '')
    if (rows.length === 0) await tx.query('INSERT INTO outpost_schema (version) VALUES ($1)', [SCHEMA_VERSION])
    else if (current !== SCHEMA_VERSION) await tx.query('UPDATE outpost_schema SET version = $1', [SCHEMA_VERSION])
  })
}
