import { describe, expect, it } from 'vitest'
import { REDACTED, redactLogMessage, redactText, redactValue } from './redact'

describe('redactText', () => {
  it('masks bearer tokens and authorization headers', () => {
    expect(redactText('POST /events Authorization: Bearer abc.DEF-123_xyz=')).toBe(`POST /events Authorization: Bearer ${REDACTED}`)
    expect(redactText('bearer s3cr3t failed')).toBe(`bearer ${REDACTED} failed`)
  })

  it('masks token values in key=value, key: value and JSON forms', () => {
    expect(redactText('apiToken=hunter2 next')).toBe(`apiToken=${REDACTED} next`)
    expect(redactText('token: hunter2, other: 1')).toBe(`token: ${REDACTED}, other: 1`)
    expect(redactText('{"apiToken":"hunter2","apiUrl":"https://api.example"}')).toBe(
      `{"apiToken":"${REDACTED}","apiUrl":"https://api.example"}`,
    )
    expect(redactText('https://api.example/x?token=abc&page=2')).toBe(`https://api.example/x?token=${REDACTED}&page=2`)
    expect(redactText('started with --api-token sekret --api-url http://x')).toBe(`started with --api-token ${REDACTED} --api-url http://x`)
    expect(redactText('OUTPOST_API_TOKEN=sekret')).toBe(`OUTPOST_API_TOKEN=${REDACTED}`)
  })

  it('masks credentials in URLs', () => {
    expect(redactText('GET https://bob:pw@api.example/health')).toBe(`GET https://${REDACTED}@api.example/health`)
  })

  it('masks order contents in JSON, including nested arrays and objects with tricky strings', () => {
    const order = JSON.stringify({
      id: 'ord_1',
      customer: 'Alice "A]" Smith',
      note: 'ring twice } please',
      items: [{ name: 'Widget [blue]', quantity: 2, unitPriceMinor: 1250 }],
      payload: { customer: 'Alice', items: [] },
      totalMinor: 2500,
    })
    const out = redactText(`sent event ${order} ok`)
    expect(out).not.toMatch(/Alice|Widget|ring twice|blue/)
    expect(out).toContain('"id":"ord_1"')
    expect(out).toContain('"totalMinor":2500')
    expect(out).toContain(`"customer":"${REDACTED}"`)
    expect(out).toContain(`"items":${REDACTED}`)
    expect(out.endsWith(' ok')).toBe(true)
  })

  it('leaves ordinary text alone and is idempotent', () => {
    const plain = 'relay: 3 events sent in 120 ms (HTTP 200)'
    expect(redactText(plain)).toBe(plain)
    const once = redactText('token=abc customer: Bob')
    expect(redactText(once)).toBe(once)
  })
})

describe('redactValue', () => {
  it('masks sensitive keys at any depth and leaves the rest', () => {
    const input = {
      apiUrl: 'https://api.example',
      apiToken: 'hunter2',
      headers: { Authorization: 'Bearer abc', 'content-type': 'application/json' },
      event: { id: 'evt_1', payload: { customer: 'Alice' }, attempts: 3 },
      order: { customer: 'Bob', note: 'secret note', items: [{ name: 'Thing' }], totalMinor: 5 },
      message: 'failed with Bearer xyz',
    }
    const out = redactValue(input)
    expect(out).toEqual({
      apiUrl: 'https://api.example',
      apiToken: REDACTED,
      headers: { Authorization: REDACTED, 'content-type': 'application/json' },
      event: { id: 'evt_1', payload: REDACTED, attempts: 3 },
      order: { customer: REDACTED, note: REDACTED, items: REDACTED, totalMinor: 5 },
      message: `failed with Bearer ${REDACTED}`,
    })
    expect(input.apiToken).toBe('hunter2') // not mutated
  })

  it('copes with cycles, errors and primitives', () => {
    const a: Record<string, unknown> = { n: 1 }
    a.self = a
    expect(redactValue(a)).toEqual({ n: 1, self: '[circular]' })
    const err = redactValue(new Error('401 for token=abc')) as Error
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toBe(`401 for token=${REDACTED}`)
    expect(err.stack).not.toContain('token=abc')
    expect(redactValue(42)).toBe(42)
    expect(redactValue(null)).toBeNull()
  })

  it('works as an electron-log hook over message.data', () => {
    const msg = { level: 'info', data: ['delivered', { token: 't', count: 2 }], date: new Date(0) }
    const out = redactLogMessage(msg)
    expect(out.data).toEqual(['delivered', { token: REDACTED, count: 2 }])
    expect(out.level).toBe('info')
  })
})

describe('redactText: unquoted and unusual forms', () => {
  it.each([
    ['customer: Bob Smith', 'Bob', 'Smith'],
    ['note: ring twice please', 'twice', 'please'],
    ['Authorization: Token abc123', 'abc123', 'Token abc'],
    ['{"customerName":"Alice"}', 'Alice', 'Alice'],
    ['customer_name=Zed Q, other=1', 'Zed', 'Q,'],
    ['passwd: hunter2', 'hunter2', 'hunter'],
  ])('%s', (input, leak1, leak2) => {
    const out = redactText(input)
    expect(out).toContain(REDACTED)
    expect(out).not.toContain(leak1)
    expect(out).not.toContain(leak2)
  })

  it('keeps what follows on the next line', () => {
    expect(redactText('customer: Bob Smith\nstatus: sent')).toBe(`customer: ${REDACTED}\nstatus: sent`)
  })
})
