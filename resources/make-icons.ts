/**
 * `npm run icons`: renders resources/icon.svg (the one source image) into
 * every icon electron-builder needs, in resources/icons/:
 *   png/<S>x<S>.png for S in 16…1024 (Linux, the tray and the window icon)
 *   icon.ico (Windows, NSIS and portable)
 *   icon.icns (macOS)
 *
 * Chromium rasterises the SVG (Playwright drives /usr/bin/chromium where it
 * exists, else Playwright's own browser); the file formats are written by
 * src-main/electron/packaging/icon-formats.ts. The outputs are committed, so
 * packaging never needs a browser. Run it again after editing icon.svg.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { encodeIcns, encodeIco, encodePng, type RgbaImage } from '../src-main/electron/packaging/icon-formats'

const here = dirname(fileURLToPath(import.meta.url))
const source = join(here, 'icon.svg')
const outDir = join(here, 'icons')
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const
// BMP entries below 256 px (readable by every loader, NSIS included), PNG at 256 px.
const ICO_SIZES = [16, 24, 32, 48, 64, 256]

async function rasterize(svg: Buffer, sizes: readonly number[]): Promise<Map<number, RgbaImage>> {
  const executablePath = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined
  const browser = await chromium.launch(executablePath ? { executablePath } : {})
  try {
    const page = await browser.newPage()
    await page.setContent('<!doctype html><html><body></body></html>')
    const dataUrl = `data:image/svg+xml;base64,${svg.toString('base64')}`
    const images = new Map<number, RgbaImage>()
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
          const bytes = ctx.getImageData(0, 0, size, size).data
          let s = ''
          for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
          return btoa(s)
        },
        { url: dataUrl, size },
      )
      images.set(size, { width: size, height: size, data: new Uint8Array(Buffer.from(base64, 'base64')) })
    }
    return images
  } finally {
    await browser.close()
  }
}

async function main(): Promise<void> {
  const svg = readFileSync(source)
  const images = await rasterize(svg, PNG_SIZES)
  mkdirSync(join(outDir, 'png'), { recursive: true })
  const pngs = new Map<number, Buffer>()
  for (const [size, img] of images) {
    const png = encodePng(img)
    pngs.set(size, png)
    writeFileSync(join(outDir, 'png', `${size}x${size}.png`), png)
  }
  const ico = encodeIco(ICO_SIZES.map((s) => images.get(s)).filter((i): i is RgbaImage => i !== undefined))
  writeFileSync(join(outDir, 'icon.ico'), ico)
  writeFileSync(join(outDir, 'icon.icns'), encodeIcns(pngs))
  const total = [...pngs.values()].reduce((n, b) => n + b.length, 0)
  console.log(
    `Wrote ${pngs.size} PNGs (${Math.round(total / 1024)} KiB), icon.ico and icon.icns to ${relative(process.cwd(), outDir) || '.'}`,
  )
}

main().catch((err: unknown) => {
  console.error(`make-icons failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
})
