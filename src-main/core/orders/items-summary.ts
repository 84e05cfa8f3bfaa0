/**
 * What a list row says was ordered: the first two items with their
 * quantities and how many more, short enough for one line.
 */
export function itemsSummary(items: readonly { name: string; quantity: number }[], shown = 2): string {
  const head = items.slice(0, shown).map((it) => (it.quantity === 1 ? it.name : `${it.quantity} × ${it.name}`))
  const more = items.length - shown
  return more > 0 ? `${head.join(', ')} +${more}` : head.join(', ')
}
