/**
 * Where the shell's own files are. Everything is found from the main bundle's
 * own folder (out/main), so it does not matter how Electron was pointed at the
 * app (`electron .`, `electron out/main/index.js`, Playwright, packaged asar).
 * Icons are copied next to app.asar by electron-builder (`extraResources`)
 * and read from the repository in development.
 */
import { dirname, join } from 'node:path'

export interface PathsInput {
  isPackaged: boolean
  /** The folder of the running main bundle: <root>/out/main. */
  mainDir: string
  /** process.resourcesPath. */
  resourcesPath: string
}

export interface ShellPaths {
  /** The app root: the repository in development, …/resources/app.asar when packaged. */
  root: string
  rendererDir: string
  preload: string
  icon(size: 16 | 32 | 256 | 512): string
}

export function shellPaths(input: PathsInput): ShellPaths {
  const outDir = dirname(input.mainDir)
  const root = dirname(outDir)
  const rendererDir = join(outDir, 'renderer')
  const iconDir = input.isPackaged ? join(input.resourcesPath, 'icons') : join(root, 'resources', 'icons', 'png')
  return {
    root,
    rendererDir,
    preload: join(outDir, 'preload', 'index.cjs'),
    icon: (size) => join(iconDir, `${size}x${size}.png`),
  }
}
