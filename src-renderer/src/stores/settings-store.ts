import { create } from 'zustand'
import type { Result, Settings, UpdateSettingsInput } from '../../../src-preload/contract'
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
  function apply(settings: Settings): void {
    set({ settings })
    useLanguage.getState().setPreference(settings.language)
  }
  return {
    settings: null,
    load: async () => {
      const r = await call('getSettings', undefined)
      if (r.ok) apply(r.value)
      else useUi.getState().toastError(r.error)
    },
    update: async (input) => {
      const r = await call('updateSettings', input)
      if (r.ok) apply(r.value)
      return r
    },
  }
})
