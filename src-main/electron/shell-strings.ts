/**
 * The few strings the Electron shell shows itself (tray, notifications,
 * dialogs, menu), in the app's two languages. The renderer has its own i18n
 * layer; these follow the same language setting (or the OS locale).
 */
export type ShellLanguage = 'en' | 'zh-TW'

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
  quitWaiting: (n: number) => string
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
  aboutDetail: (info: { version: string; electron: string; dataDir: string }) => string
}

const en: ShellStrings = {
  trayAllSynced: 'Outpost · all orders synced',
  trayWaiting: (n) => `Outpost · ${n} ${n === 1 ? 'order' : 'orders'} waiting to sync`,
  trayOpen: 'Open Outpost',
  traySyncNow: 'Sync now',
  trayQuit: 'Quit',
  deadTitle: 'Orders need attention',
  deadBody: (n) =>
    n === 1 ? 'The server refused 1 order. Open Outpost to retry or discard it.' : `The server refused ${n} orders. Open Outpost to retry or discard them.`,
  staleTitle: 'Orders still waiting to sync',
  staleBody: (n) =>
    `${n === 1 ? '1 order has' : `${n} orders have`} been waiting for more than a day. Check the connection or the server settings.`,
  quitWaiting: (n) =>
    n === 1
      ? '1 order is waiting to sync; it will be sent next time Outpost runs.'
      : `${n} orders are waiting to sync; they will be sent next time Outpost runs.`,
  quitQuestion: (n) => (n === 1 ? '1 order has not been sent yet.' : `${n} orders have not been sent yet.`),
  quitQuestionDetail: 'Outpost can try to send them now (up to 10 seconds). Either way they are saved here, and anything not sent goes the next time Outpost runs.',
  quitSendNow: 'Send now and quit',
  quitSendLater: 'Quit, send next time',
  quitSending: (sent, total) => `Outpost · sending ${sent} of ${total} before quitting…`,
  ok: 'OK',
  updateTitle: 'Update ready',
  updateReady: (v) => `Outpost ${v} is ready to install.`,
  updateDetail: 'Restart now to update, or later: it installs the next time you quit. Orders waiting to sync are kept either way.',
  updateRestart: 'Restart to update',
  updateLater: 'Later',
  crashTitle: 'Outpost hit an unexpected error',
  crashMessage: 'Your saved orders are safe. Outpost will close now; please start it again. Help › Export diagnostics helps us find the cause.',
  startFailedTitle: 'Outpost could not start',
  menuEdit: 'Edit',
  menuView: 'View',
  menuHelp: 'Help',
  menuAbout: 'About Outpost',
  menuOpenDataFolder: 'Open Data Folder',
  menuExportDiagnostics: 'Export Diagnostics…',
  diagnosticsSaved: (f) => `Diagnostics saved to ${f}`,
  diagnosticsFailed: 'Diagnostics could not be saved.',
  aboutDetail: ({ version, electron, dataDir }) => `Version ${version}\nElectron ${electron}\nData: ${dataDir}`,
}

const zhTW: ShellStrings = {
  trayAllSynced: 'Outpost · 所有訂單皆已同步',
  trayWaiting: (n) => `Outpost · ${n} 筆訂單等待同步`,
  trayOpen: '開啟 Outpost',
  traySyncNow: '立即同步',
  trayQuit: '結束',
  deadTitle: '有訂單需要處理',
  deadBody: (n) => `伺服器拒絕了 ${n} 筆訂單。請開啟 Outpost 重試或捨棄。`,
  staleTitle: '仍有訂單等待同步',
  staleBody: (n) => `${n} 筆訂單已等待超過一天。請檢查網路連線或伺服器設定。`,
  quitWaiting: (n) => `${n} 筆訂單等待同步；下次執行 Outpost 時會送出。`,
  quitQuestion: (n) => `還有 ${n} 筆訂單尚未送出。`,
  quitQuestionDetail: 'Outpost 可以現在嘗試送出（最多 10 秒）。無論如何訂單都已儲存在這裡，未送出的會在下次執行 Outpost 時送出。',
  quitSendNow: '立即送出並結束',
  quitSendLater: '結束，下次再送',
  quitSending: (sent, total) => `Outpost · 結束前正在送出第 ${sent} / ${total} 筆…`,
  ok: '確定',
  updateTitle: '更新已就緒',
  updateReady: (v) => `Outpost ${v} 已可安裝。`,
  updateDetail: '可立即重新啟動以更新，或稍後：下次結束時會自動安裝。等待同步的訂單都會保留。',
  updateRestart: '重新啟動以更新',
  updateLater: '稍後',
  crashTitle: 'Outpost 發生未預期的錯誤',
  crashMessage: '已儲存的訂單都安全無虞。Outpost 即將關閉，請重新啟動。「說明 › 匯出診斷資料」可協助我們找出原因。',
  startFailedTitle: 'Outpost 無法啟動',
  menuEdit: '編輯',
  menuView: '檢視',
  menuHelp: '說明',
  menuAbout: '關於 Outpost',
  menuOpenDataFolder: '開啟資料夾',
  menuExportDiagnostics: '匯出診斷資料…',
  diagnosticsSaved: (f) => `診斷資料已儲存至 ${f}`,
  diagnosticsFailed: '無法儲存診斷資料。',
  aboutDetail: ({ version, electron, dataDir }) => `版本 ${version}\nElectron ${electron}\n資料：${dataDir}`,
}

export const shellStrings: Record<ShellLanguage, ShellStrings> = { en, 'zh-TW': zhTW }

/** The setting wins; otherwise the OS locale: any Chinese locale but the simplified ones gets zh-TW. */
export function pickShellLanguage(setting: string | null | undefined, osLocale: string | null | undefined): ShellLanguage {
  if (setting === 'en' || setting === 'zh-TW') return setting
  const locale = (osLocale ?? '').toLowerCase()
  if (locale.startsWith('zh') && !/^zh[-_](cn|sg|hans)/.test(locale)) return 'zh-TW'
  return 'en'
}
