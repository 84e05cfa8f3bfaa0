/**
 * The language of the shell's own words (tray, menu, dialogs), kept in step
 * with the language setting or, without one, the OS locale. Plain module:
 * main.ts refreshes it at start and when a window gains focus, and redraws the
 * menu and tray when it changes.
 */
import { pickShellLanguage, shellStrings, type ShellLanguage, type ShellStrings } from './shell-strings'

export class ShellLanguageState {
  private language: ShellLanguage = 'en'

  get current(): ShellLanguage {
    return this.language
  }

  readonly strings = (): ShellStrings => shellStrings[this.language]

  /** Re-reads the setting; returns whether the language changed. A failed read keeps the current one. */
  async refresh(readSetting: () => Promise<string | null>, osLocale: string): Promise<boolean> {
    let setting: string | null = null
    try {
      setting = await readSetting()
    } catch {
      // Keep the language we have: a missing word is worse than a stale one.
      return false
    }
    const next = pickShellLanguage(setting, osLocale)
    if (next === this.language) return false
    this.language = next
    return true
  }
}
