import { create } from 'zustand'
import type { Result, Settings, UpdateSettingsInput } from '../../../src-shared/contract'
import { call } from '../api'
import { useLanguage } from './language-store'
import { useUi } from './ui-store'

interface SettingsState {
  settings: Settings | null
  load(): Promise<void>
  /** Saves and applies at once (language re-renders immediately). Field errors are the caller's to show. */
  update(input: UpdateSettingsInput): Promise<Result<Settings>>
}

export const useSettings = create<SettingsState>()((set) => {
  // Requests are numbered; an answer older than one already applied describes
  // a state main has moved past (two quick toggles can answer out of order).
  let seq = 0
  let appliedSeq = 0
  function apply(settings: Settings, requestSeq: number): void {
    if (requestSeq < appliedSeq) return
    appliedSeq = requestSeq
    set({ settings })
    useLanguage.getState().setPreference(settings.language)
  }
  return {
    settings: null,
    load: async () => {
      const mine = ++seq
      const r = await call('getSettings', undefined)
      if (r.ok) apply(r.value, mine)
      else useUi.getState().toastError(r.error)
    },
    update: async (input) => {
      const mine = ++seq
      const r = await call('updateSettings', input)
      if (r.ok) apply(r.value, mine)
      return r
    },
  }
})
