/**
 * The API token sealed with Electron's safeStorage (Keychain, DPAPI,
 * libsecret/kwallet). Where the OS offers no real keystore (no keyring on
 * Linux: the `basic_text` backend, whose key is a constant) it falls back to
 * the plain-text kind, which the settings view states openly.
 */
import type { SafeStorage } from 'electron'
import type { SecretBox } from '../core/core-types'

export type SafeStoragePart = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>

export function osSecretBox(
  safeStorage: SafeStoragePart,
  platform: NodeJS.Platform,
  log: { warn(m: string, meta?: Record<string, unknown>): void },
): SecretBox | undefined {
  let available = false
  try {
    available = safeStorage.isEncryptionAvailable()
  } catch {
    available = false
  }
  const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined
  if (!available || backend === 'basic_text') {
    log.warn('OS encryption is not available; the API token will be stored as plain text in the data folder', {
      backend: backend ?? null,
    })
    return undefined // the core's plain-text box
  }
  return {
    kind: 'os-encrypted',
    seal: (plain) => safeStorage.encryptString(plain).toString('base64'),
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  }
}
