/**
 * The CSV export written to a file the user chose, all or nothing: the rows
 * go to a temporary file beside the target, which is flushed to disk and then
 * renamed over it. A cancel, a failure or a crash never leaves a half file
 * under the chosen name (nor overwrites an older export there with one);
 * cancel and failure also remove the temporary file. Plain Node: the save
 * dialog that picks `target` is in export-ipc.ts.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Core } from '../core/core-types'
import type { ExportProgress } from '../core/orders/order-export'

export type ExportCore = Pick<Core, 'exportCsv'>

/** The temporary file's name: hidden, beside the target (a rename across disks would copy), unique per run. */
export function partialPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.partial`)
}

export async function exportToFile(
  core: ExportCore,
  filter: unknown,
  target: string,
  opts: { onProgress?: (p: ExportProgress) => void; signal?: AbortSignal } = {},
): Promise<ExportProgress> {
  const temp = partialPath(target)
  // 'wx': never write through a file (or link) someone put there first.
  // flush: fsync before close, so after a power cut the chosen name holds
  // either all of the export or what was there before, never a torn file.
  const out = createWriteStream(temp, { flags: 'wx', flush: true })
  try {
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve())
      out.once('error', reject)
    })
    const done = await core.exportCsv(filter, out, opts.onProgress, opts.signal)
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject)
      out.once('close', () => resolve())
      out.end()
    })
    await rename(temp, target)
    return done
  } catch (err) {
    await new Promise<void>((resolve) => {
      if (out.closed) resolve()
      else out.destroy().once('close', () => resolve())
    })
    await rm(temp, { force: true })
    throw err
  }
}
