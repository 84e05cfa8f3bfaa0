/**
 * `npm run icons`: renders resources/icon.svg (the one source image) into
 * resources/icons/png/<S>x<S>.png for S in 16…1024: Linux takes the folder,
 * the tray and window use the small ones, and electron-builder converts the
 * 1024 px one into the Windows .ico (NSIS included) and the macOS .icns itself.
 *
 * Chromium rasterises the SVG and encodes the PNG (Playwright drives
 * /usr/bin/chromium where it exists, else Playwright's own browser). The
 * outputs are committed, so packaging never needs a browser. Run it again
 * after editing icon.svg.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'

const here = dirname(fileURLToPath(import.meta.url))
const source = join(here, 'icon.svg')
const outDir = join(here, 'icons')
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const

async function rasterize(svg: Buffer, sizes: readonly number[]): Promise<Map<number, Buffer>> {
  const executablePath = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined
  const browser = await chromium.launch(executablePath ? { executablePath } : {})
  try {
    const page = await browser.newPage()
    await page.setContent('<!doctype html><html><body></body></html>')
    const dataUrl = `data:image/svg+xml;base64,${svg.toString('base64')}`
    const pngs = new Map<number, Buffer>()
    for (const size of sizes) {
      const base64 = await page.evaluate(
        async ({ url, size }) => {
          const img = new Image()
          img.src = url
          await img.decode()
          const canvas = document.createElement('canvas')
          canvas.width = size
          canvas.height = size
          const ctx = canvas.getContext('2d')
          if (!ctx) throw new Error('no 2d context')
          ctx.imageSmoothingQuality = 'high'
          ctx.drawImage(img, 0, 0, size, size)
          return canvas.toDataURL('image/png').slice('data:image/png;base64,'.length)
        },
        { url: dataUrl, size },
      )
      pngs.set(size, Buffer.from(base64, 'base64'))
    }
    return pngs
  } finally {
    await browser.close()
  }
}

async function main(): Promise<void> {
  const pngs = await rasterize(readFileSync(source), PNG_SIZES)
  mkdirSync(join(outDir, 'png'), { recursive: true })
  for (const [size, png] of pngs) writeFileSync(join(outDir, 'png', `${size}x${size}.png`), png)
  const total = [...pngs.values()].reduce((n, b) => n + b.length, 0)
  console.log(`Wrote ${pngs.size} PNGs (${Math.round(total / 1024)} KiB) to ${relative(process.cwd(), join(outDir, 'png')) || '.'}`)
}

main().catch((err: unknown) => {
  console.error(`make-icons failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
})
