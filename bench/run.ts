/**
 * `npm run bench [-- SCENARIO...] [--out FILE]`
 *
 * Runs the benchmarks (all of them by default: write, drain, reconnect,
 * memory, ui, history, server), each next to its baseline measured in the same run, prints a
 * table and writes the JSON report (default bench/results/latest.json).
 * See bench/README.md.
 */
import { resolve } from 'node:path'
import { buildReport, formatTable, SCENARIO_NAMES, writeReport, type ScenarioName, type ScenarioOutcome } from './lib/report'
import { parseFlags, REPO_ROOT } from './lib/util'

const USAGE = `Usage: npm run bench [-- ${SCENARIO_NAMES.join('|')} ...] [--out FILE]`

/** Reconnect before drain, so the naive loop can overlap it (see below). */
const EXEC_ORDER: readonly ScenarioName[] = ['write', 'reconnect', 'drain', 'memory', 'ui', 'history', 'server']

type Outcomes = Partial<{ [S in ScenarioName]: ScenarioOutcome<S> }>

async function main(): Promise<number> {
  let parsed
  try {
    parsed = parseFlags(process.argv.slice(2), ['out'])
  } catch (err) {
    console.error(`bench: ${(err as Error).message}\n${USAGE}`)
    return 2
  }
  const { flags, positionals } = parsed
  if (flags.has('help')) {
    console.log(USAGE)
    return 0
  }
  const unknown = positionals.filter((p) => !(SCENARIO_NAMES as readonly string[]).includes(p))
  if (unknown.length > 0) {
    console.error(`bench: unknown scenario ${unknown.join(', ')}\n${USAGE}`)
    return 2
  }
  const selected = SCENARIO_NAMES.filter((s) => positionals.length === 0 || positionals.includes(s))
  const out = resolve(flags.get('out') ?? resolve(REPO_ROOT, 'bench/results/latest.json'))
  const log = (line: string) => console.log(`  ${line}`)

  const started = performance.now()
  const outcomes: Outcomes = {}
  const timed = async <S extends ScenarioName>(name: S, fn: () => Promise<ScenarioOutcome<S>>): Promise<void> => {
    console.log(`━━ ${name}`)
    const t = performance.now()
    let outcome: ScenarioOutcome<S>
    try {
      outcome = await fn()
    } catch (err) {
      console.error(`  ${name} failed:`, err)
      throw err
    }
    outcome.durationS = Math.round((performance.now() - t) / 100) / 10
    if (outcome.skipped) console.log(`  skipped: ${outcome.skipped}`)
    console.log(`  (${outcome.durationS} s)`)
    ;(outcomes as Record<string, ScenarioOutcome>)[name] = outcome as ScenarioOutcome
  }

  // The naive loop of the drain scenario is a ≥ 30 s run that mostly sleeps
  // (10 requests every 5 s). When the reconnect scenario (which also mostly
  // waits on timers) runs too, the two share that wall-clock time.
  const { startNaiveRun } = await import('./scenarios/drain')
  let naive: ReturnType<typeof startNaiveRun> | null = null

  for (const s of EXEC_ORDER.filter((x) => selected.includes(x))) {
    switch (s) {
      case 'write': {
        const { runWrite } = await import('./scenarios/write')
        await timed('write', () => runWrite({ log }))
        break
      }
      case 'reconnect': {
        const { runReconnect } = await import('./scenarios/reconnect')
        if (selected.includes('drain')) {
          log('(the drain scenario\'s naive loop runs alongside: it sends 10 events every 5 s)')
          naive = startNaiveRun({ log })
          naive.catch(() => undefined) // awaited (and reported) by the drain scenario
        }
        await timed('reconnect', () => runReconnect({ log }))
        break
      }
      case 'drain': {
        const { runDrain } = await import('./scenarios/drain')
        const pendingNaive = naive
        await timed('drain', () => runDrain({ log, ...(pendingNaive ? { naive: pendingNaive } : {}) }))
        break
      }
      case 'memory': {
        const { runMemory } = await import('./scenarios/memory')
        await timed('memory', () => runMemory({ log }))
        break
      }
      case 'ui': {
        const { runUi } = await import('./scenarios/ui')
        await timed('ui', () => runUi({ log }))
        break
      }
      case 'history': {
        const { runHistory } = await import('./scenarios/history')
        await timed('history', () => runHistory({ log }))
        break
      }
      case 'server': {
        const { runServer } = await import('./scenarios/server')
        await timed('server', () => runServer({ log }))
        break
      }
    }
  }

  const report = buildReport(outcomes, (performance.now() - started) / 1000)
  writeReport(out, report)
  console.log(`\n${formatTable(report)}\n`)
  console.log(`${report.meta.cores} cores, ${report.meta.cpu}, Node ${report.meta.node}; ${report.meta.durationS.total} s in all`)
  console.log(`JSON written to ${out}`)
  return 0
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('bench failed:', err)
    process.exit(1)
  },
)
