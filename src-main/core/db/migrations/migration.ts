/** One schema step. `up` runs inside the migration transaction. */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly up: string
}
