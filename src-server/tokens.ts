/** Devices and their bearer tokens. Only a SHA-256 of each token is stored; the token is shown once. */
import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from './db'

export interface Device {
  id: string
  name: string
  createdAt: string
  revokedAt: string | null
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

export async function createToken(db: Queryable, deviceName: string): Promise<{ device: Device; token: string }> {
  const name = deviceName.trim()
  if (name === '' || name.length > 200) throw new RangeError('the device name must be 1 to 200 characters')
  // 32 random bytes: guessing is hopeless, so a fast hash is enough.
  const token = `opt_${randomBytes(32).toString('base64url')}`
  const rows = await db.query<DeviceRow>(
    `INSERT INTO devices (name, token_hash) VALUES ($1, $2) RETURNING id::text, name, created_at, revoked_at`,
    [name, hashToken(token)],
  )
  return { device: toDevice(rows[0]!), token }
}

export async function listDevices(db: Queryable): Promise<Device[]> {
  const rows = await db.query<DeviceRow>(`SELECT id::text, name, created_at, revoked_at FROM devices ORDER BY id`)
  return rows.map(toDevice)
}

/** Revokes by device id or exact name; returns how many were revoked. */
export async function revokeToken(db: Queryable, idOrName: string): Promise<number> {
  const rows = await db.query(
    `UPDATE devices SET revoked_at = now() WHERE revoked_at IS NULL AND (id::text = $1 OR name = $1) RETURNING id`,
    [idOrName],
  )
  return rows.length
}

/** The device a live token belongs to, or null. Read on every request, so a revocation applies at once. */
export async function deviceForToken(db: Queryable, token: string): Promise<{ id: string; name: string } | null> {
  const rows = await db.query<{ id: string; name: string }>(
    `SELECT id::text, name FROM devices WHERE token_hash = $1 AND revoked_at IS NULL`,
    [hashToken(token)],
  )
  return rows[0] ?? null
}

interface DeviceRow {
  id: string
  name: string
  created_at: Date | string
  revoked_at: Date | string | null
}

function toDevice(r: DeviceRow): Device {
  const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString())
  return { id: r.id, name: r.name, createdAt: iso(r.created_at), revokedAt: r.revoked_at === null ? null : iso(r.revoked_at) }
}
