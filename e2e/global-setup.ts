import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ensureRendererBuilt, REPO_ROOT } from '../src-main/cli/cli-support'
import { electronBinary } from './fixtures'

/**
 * Build the renderer once, before any browser host starts. Where an Electron
 * binary exists, also build main/preload and the Electron-ABI SQLite binding
 * (`npm start -- --prepare-only`) for the electron project.
 */
export default async function globalSetup(): Promise<void> {
  await ensureRendererBuilt()
  if (!electronBinary()) {
    console.log('[electron] project skipped: no Electron binary here (set ELECTRON_OVERRIDE_DIST_PATH to run the same specs against the desktop app)')
  } else {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src-main/cli/start.ts'), '--prepare-only'], { cwd: REPO_ROOT, stdio: 'inherit' })
    if (r.status !== 0) throw new Error('Preparing the Electron app failed (npm start -- --prepare-only)')
  }
}
