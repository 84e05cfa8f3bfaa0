/**
 * Encoders for the icon files electron-builder needs, from RGBA pixels:
 * PNG (deflate level 9 with per-row filter choice, to keep committed files
 * small), ICO (BMP entries below 256 px for old loaders such as NSIS, PNG at
 * 256 px) and ICNS (PNG entries). Plus the small readers the tests use.
 */
import { deflateSync } from 'node:zlib'

export interface RgbaImage {
  width: number
  height: number
  /** width * height * 4 bytes, row-major, straight (unpremultiplied) alpha. */
  data: Uint8Array
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0)
  return Buffer.concat([head, body, crc])
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** Encodes RGBA pixels as a PNG (colour type 6, 8 bits). */
export function encodePng(img: RgbaImage): Buffer {
  const { width, height, data } = img
  if (data.length !== width * height * 4) throw new Error('pixel buffer size mismatch')
  const stride = width * 4
  const out = Buffer.alloc((stride + 1) * height)
  const zero = new Uint8Array(stride)
  const candidate = new Uint8Array(stride)
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * stride, (y + 1) * stride)
    const prev = y > 0 ? data.subarray((y - 1) * stride, y * stride) : zero
    let bestFilter = 0
    let bestScore = Number.POSITIVE_INFINITY
    let best: Uint8Array = row
    for (let f = 0; f <= 4; f++) {
      let score = 0
      const buf = f === 0 ? row : candidate
      if (f !== 0) {
        for (let i = 0; i < stride; i++) {
          const x = row[i] ?? 0
          const a = i >= 4 ? (row[i - 4] ?? 0) : 0
          const b = prev[i] ?? 0
          const c = i >= 4 ? (prev[i - 4] ?? 0) : 0
          const pred = f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c)
          candidate[i] = (x - pred) & 0xff
        }
      }
      for (let i = 0; i < stride; i++) {
        const v = buf[i] ?? 0
        score += v < 128 ? v : 256 - v
      }
      if (score < bestScore) {
        bestScore = score
        bestFilter = f
        best = f === 0 ? row : Uint8Array.from(candidate)
      }
    }
    const at = y * (stride + 1)
    out[at] = bestFilter
    out.set(best, at + 1)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(out, { level: 9, memLevel: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ])
}

/** A 32-bit BMP icon entry (BITMAPINFOHEADER, bottom-up BGRA, then the 1-bit AND mask). */
function bmpIconEntry(img: RgbaImage): Buffer {
  const { width, height, data } = img
  const header = Buffer.alloc(40)
  header.writeUInt32LE(40, 0)
  header.writeInt32LE(width, 4)
  header.writeInt32LE(height * 2, 8) // XOR + AND masks
  header.writeUInt16LE(1, 12)
  header.writeUInt16LE(32, 14)
  const pixels = Buffer.alloc(width * height * 4)
  for (let y = 0; y < height; y++) {
    const src = (height - 1 - y) * width * 4
    for (let x = 0; x < width; x++) {
      const s = src + x * 4
      const d = (y * width + x) * 4
      pixels[d] = data[s + 2] ?? 0
      pixels[d + 1] = data[s + 1] ?? 0
      pixels[d + 2] = data[s] ?? 0
      pixels[d + 3] = data[s + 3] ?? 0
    }
  }
  const maskStride = Math.ceil(width / 32) * 4
  const mask = Buffer.alloc(maskStride * height) // all zero: alpha decides
  return Buffer.concat([header, pixels, mask])
}

/** An ICO with one entry per image: BMP below 256 px, PNG at 256 px and up. */
export function encodeIco(images: RgbaImage[]): Buffer {
  const sorted = [...images].sort((a, b) => a.width - b.width)
  const bodies = sorted.map((img) => (img.width >= 256 ? encodePng(img) : bmpIconEntry(img)))
  const head = Buffer.alloc(6 + 16 * sorted.length)
  head.writeUInt16LE(0, 0)
  head.writeUInt16LE(1, 2)
  head.writeUInt16LE(sorted.length, 4)
  let offset = head.length
  sorted.forEach((img, i) => {
    const e = 6 + i * 16
    head[e] = img.width >= 256 ? 0 : img.width
    head[e + 1] = img.height >= 256 ? 0 : img.height
    head.writeUInt16LE(1, e + 4)
    head.writeUInt16LE(32, e + 6)
    const size = bodies[i]?.length ?? 0
    head.writeUInt32LE(size, e + 8)
    head.writeUInt32LE(offset, e + 12)
    offset += size
  })
  return Buffer.concat([head, ...bodies])
}

/** ICNS element types holding PNG data, by pixel size. @2x types reuse the larger PNG. */
export const ICNS_TYPES: Array<{ type: string; size: number }> = [
  { type: 'icp4', size: 16 },
  { type: 'icp5', size: 32 },
  { type: 'icp6', size: 64 },
  { type: 'ic07', size: 128 },
  { type: 'ic08', size: 256 },
  { type: 'ic09', size: 512 },
  { type: 'ic10', size: 1024 },
  { type: 'ic11', size: 32 },
  { type: 'ic12', size: 64 },
  { type: 'ic13', size: 256 },
  { type: 'ic14', size: 512 },
]

export function encodeIcns(pngBySize: ReadonlyMap<number, Buffer>): Buffer {
  const parts: Buffer[] = []
  for (const { type, size } of ICNS_TYPES) {
    const png = pngBySize.get(size)
    if (!png) continue
    const head = Buffer.alloc(8)
    head.write(type, 0, 'ascii')
    head.writeUInt32BE(png.length + 8, 4)
    parts.push(head, png)
  }
  const body = Buffer.concat(parts)
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'ascii')
  head.writeUInt32BE(body.length + 8, 4)
  return Buffer.concat([head, body])
}

// ---------------------------------------------------------------------------
// Readers (tests)
// ---------------------------------------------------------------------------

export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.readUInt32BE(0) !== 0x89504e47 || png.toString('ascii', 12, 16) !== 'IHDR') throw new Error('not a PNG')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

export function icoEntries(ico: Buffer): Array<{ width: number; height: number; format: 'png' | 'bmp' }> {
  if (ico.readUInt16LE(0) !== 0 || ico.readUInt16LE(2) !== 1) throw new Error('not an ICO')
  const n = ico.readUInt16LE(4)
  const out: Array<{ width: number; height: number; format: 'png' | 'bmp' }> = []
  for (let i = 0; i < n; i++) {
    const e = 6 + i * 16
    const offset = ico.readUInt32LE(e + 12)
    const isPng = ico.readUInt32BE(offset) === 0x89504e47
    out.push({ width: ico[e] || 256, height: ico[e + 1] || 256, format: isPng ? 'png' : 'bmp' })
  }
  return out
}

export function icnsEntries(icns: Buffer): Array<{ type: string; width: number }> {
  if (icns.toString('ascii', 0, 4) !== 'icns' || icns.readUInt32BE(4) !== icns.length) throw new Error('not an ICNS')
  const out: Array<{ type: string; width: number }> = []
  let p = 8
  while (p < icns.length) {
    const type = icns.toString('ascii', p, p + 4)
    const len = icns.readUInt32BE(p + 4)
    out.push({ type, width: pngSize(icns.subarray(p + 8, p + len)).width })
    p += len
  }
  return out
}
