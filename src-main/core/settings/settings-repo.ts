import type { SqliteDatabase } from '../db/native-sqlite'

/** Keys of the `settings` table. Values are strings; JSON where structured. */
export type SettingKey = 'apiUrl' | 'apiToken' | 'paused' | 'language' | 'currency'

export class SettingsRepo {
  private readonly getStmt
  private readonly setStmt
  private readonly delStmt

  constructor(db: SqliteDatabase) {
    this.getStmt = db.prepare('SELECT value FROM settings WHERE key = ?').pluck()
    this.setStmt = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    this.delStmt = db.prepare('DELETE FROM settings WHERE key = ?')
  }

  get(key: SettingKey): string | null {
    return (this.getStmt.get(key) as string | undefined) ?? null
  }

  set(key: SettingKey, value: string | null): void {
    if (value === null) this.delStmt.run(key)
    else this.setStmt.run(key, value)
  }
}

/** Plain-text "sealing" for hosts without an OS keychain (the browser host). */
export const plaintextSecretBox = {
  kind: 'plaintext-file' as const,
  seal: (plain: string) => plain,
  open: (sealed: string) => sealed,
}
