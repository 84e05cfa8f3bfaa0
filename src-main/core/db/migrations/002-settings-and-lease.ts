import type { Migration } from './migration'

/** Settings (API URL, token, language...) and the relay lease. */
export const migration002: Migration = {
  version: 2,
  name: 'settings and relay lease',
  up: `
    CREATE TABLE settings (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    -- One row: which process may drain this database, until when. A second
    -- process (or a second app instance that slipped past the OS lock) sees a
    -- live lease and stays out.
    CREATE TABLE relay_lease (
      id         INTEGER PRIMARY KEY CHECK (id = 1),
      owner      TEXT NOT NULL,
      expires_at INTEGER NOT NULL
    ) STRICT;
  `,
}
