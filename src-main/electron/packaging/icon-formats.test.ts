import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { crc32, encodeIcns, encodeIco, encodePng, icnsEntries, icoEntries, pngSize, type RgbaImage } from './icon-formats'

function image(size: number): RgbaImage {
  const data = new Uint8Array(size * size * 4)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4
      data[i] = (x * 7) & 0xff
      data[i + 1] = (y * 13) & 0xff
      data[i + 2] = x > y ? 200 : 20
      data[i + 3] = x === 0 ? 0 : 255
    }
  }
  return { width: size, height: size, data }
}

/** A straightforward PNG decoder (RGBA 8-bit only), independent of the encoder's filter choice. */
function decodePng(png: Buffer): Uint8Array {
  const { width, height } = pngSize(png)
  const idat: Buffer[] = []
  let p = 8
  while (p < png.length) {
    const len = png.readUInt32BE(p)
    const type = png.toString('ascii', p + 4, p + 8)
    const body = png.subarray(p + 8, p + 8 + len)
    expect(png.readUInt32BE(p + 8 + len)).toBe(crc32(png.subarray(p + 4, p + 8 + len)))
    if (type === 'IDAT') idat.push(body)
    p += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * 4
  const out = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i] ?? 0
      const a = i >= 4 ? (out[y * stride + i - 4] ?? 0) : 0
      const b = y > 0 ? (out[(y - 1) * stride + i] ?? 0) : 0
      const c = i >= 4 && y > 0 ? (out[(y - 1) * stride + i - 4] ?? 0) : 0
      const pa = Math.abs(b - c)
      const pb = Math.abs(a - c)
      const pc = Math.abs(a + b - 2 * c)
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth
      out[y * stride + i] = (x + pred) & 0xff
    }
  }
  return out
}

describe('icon formats', () => {
  it('encodes PNGs that decode to the same pixels', () => {
    for (const size of [1, 16, 37]) {
      const img = image(size)
      const png = encodePng(img)
      expect(pngSize(png)).toEqual({ width: size, height: size })
      expect(Buffer.from(decodePng(png)).equals(Buffer.from(img.data))).toBe(true)
    }
  })

  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
  })

  it('writes ICO entries as BMP below 256 px and PNG at 256 px', () => {
    const ico = encodeIco([image(256), image(16), image(32)])
    expect(icoEntries(ico)).toEqual([
      { width: 16, height: 16, format: 'bmp' },
      { width: 32, height: 32, format: 'bmp' },
      { width: 256, height: 256, format: 'png' },
    ])
  })

  it('writes ICNS with PNG entries for each size given', () => {
    const pngs = new Map([16, 32, 64, 128].map((s) => [s, encodePng(image(s))] as const))
    const entries = icnsEntries(encodeIcns(pngs))
    expect(entries).toEqual([
      { type: 'icp4', width: 16 },
      { type: 'icp5', width: 32 },
      { type: 'icp6', width: 64 },
      { type: 'ic07', width: 128 },
      { type: 'ic11', width: 32 },
      { type: 'ic12', width: 64 },
    ])
  })
})
