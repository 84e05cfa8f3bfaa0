/** Paths and small loaders shared by the packaging tests. */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

const requireCjs = createRequire(import.meta.url)
/** js-yaml (electron-builder's own YAML parser, installed with it). */
const yaml = requireCjs('js-yaml') as { load(text: string): unknown }

export function loadYaml(path: string): unknown {
  return yaml.load(readFileSync(path, 'utf8'))
}

export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts)
}
