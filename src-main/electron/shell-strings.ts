/**
 * The few strings the Electron shell shows itself (tray, notifications,
 * dialogs, menu). They live in the renderer's catalogues (`shell.*` keys in
 * src-renderer/src/i18n/en.ts and zh-TW.ts, ICU MessageFormat with real
 * plurals), and the language comes from the same resolver as the window's,
 * so the tray and the window never disagree.
 */
import type { Language } from '../../src-shared/contract'
import { resolveLanguage } from '../../src-renderer/src/i18n/resolve-language'
import { makeTranslate } from '../../src-renderer/src/i18n/translate'

export type ShellLanguage = Language

export interface ShellStrings {
  trayAllSynced: string
  trayWaiting: (n: number) => string
  trayOpen: string
  traySyncNow: string
  trayQuit: string
  deadTitle: string
  deadBody: (n: number) => string
  staleTitle: string
  staleBody: (n: number) => string
  quitQuestion: (n: number) => string
  quitQuestionDetail: string
  quitSendNow: string
  quitSendLater: string
  quitSending: (sent: number, total: number) => string
  ok: string
  updateTitle: string
  updateReady: (version: string) => string
  updateDetail: string
  updateRestart: string
  updateLater: string
  crashTitle: string
  crashMessage: string
  startFailedTitle: string
  menuEdit: string
  menuView: string
  menuHelp: string
  menuAbout: string
  menuOpenDataFolder: string
  menuExportDiagnostics: string
  diagnosticsSaved: (file: string) => string
  diagnosticsFailed: string
  /** The save dialog's title for the CSV export: the button's own words. */
  exportTitle: string
  aboutDetail: (info: { version: string; electron: string; dataDir: string }) => string
}

function stringsFor(language: Language): ShellStrings {
  const t = makeTranslate(language, language === 'zh-TW' ? 'zh-TW' : 'en-US')
  return {
    trayAllSynced: t('shell.trayAllSynced'),
    trayWaiting: (count) => t('shell.trayWaiting', { count }),
    trayOpen: t('shell.trayOpen'),
    traySyncNow: t('shell.traySyncNow'),
    trayQuit: t('shell.trayQuit'),
    deadTitle: t('shell.deadTitle'),
    deadBody: (count) => t('shell.deadBody', { count }),
    staleTitle: t('shell.staleTitle'),
    staleBody: (count) => t('shell.staleBody', { count }),
    quitQuestion: (count) => t('shell.quitQuestion', { count }),
    quitQuestionDetail: t('shell.quitQuestionDetail'),
    quitSendNow: t('shell.quitSendNow'),
    quitSendLater: t('shell.quitSendLater'),
    quitSending: (sent, total) => t('shell.quitSending', { sent, total }),
    ok: t('shell.ok'),
    updateTitle: t('shell.updateTitle'),
    updateReady: (version) => t('shell.updateReady', { version }),
    updateDetail: t('shell.updateDetail'),
    updateRestart: t('shell.updateRestart'),
    updateLater: t('shell.updateLater'),
    crashTitle: t('shell.crashTitle'),
    crashMessage: t('shell.crashMessage'),
    startFailedTitle: t('shell.startFailedTitle'),
    menuEdit: t('shell.menuEdit'),
    menuView: t('shell.menuView'),
    menuHelp: t('shell.menuHelp'),
    menuAbout: t('shell.menuAbout'),
    menuOpenDataFolder: t('shell.menuOpenDataFolder'),
    menuExportDiagnostics: t('shell.menuExportDiagnostics'),
    diagnosticsSaved: (file) => t('shell.diagnosticsSaved', { file }),
    diagnosticsFailed: t('shell.diagnosticsFailed'),
    exportTitle: t('find.export'),
    aboutDetail: ({ version, electron, dataDir }) => t('shell.aboutDetail', { version, electron, dataDir }),
  }
}

export const shellStrings: Record<ShellLanguage, ShellStrings> = { en: stringsFor('en'), 'zh-TW': stringsFor('zh-TW') }

/**
 * The setting wins; otherwise the OS's preferred languages (one locale or
 * the list from app.getPreferredSystemLanguages), through the renderer's resolver.
 */
export function pickShellLanguage(setting: string | null | undefined, osLocale: string | readonly string[] | null | undefined): ShellLanguage {
  const preferred = typeof osLocale === 'string' ? [osLocale] : (osLocale ?? [])
  return resolveLanguage(setting, preferred)
}
