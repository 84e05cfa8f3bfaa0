/**
 * The sandboxed preload: exposes `window.outpost`, one named function per
 * contract method and one subscription per event. No raw ipcRenderer, no
 * Node API, nothing else crosses into the page. Bundled to one CommonJS file
 * (out/preload/index.cjs) because a sandboxed preload cannot load modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { eventChannel, exportChannel, invokeChannel, type EventName, type EventPayload, type OutpostApi } from '../src-shared/contract'

function subscribe<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
  return listen(eventChannel(name), listener)
}

function listen<T>(channel: string, listener: (payload: T) => void): () => void {
  // The IpcRendererEvent (with its `sender`) never reaches the page.
  const wrapped = (_event: IpcRendererEvent, payload: T): void => listener(payload)
  ipcRenderer.on(channel, wrapped)
  let subscribed = true
  return () => {
    if (!subscribed) return
    subscribed = false
    ipcRenderer.removeListener(channel, wrapped)
  }
}

const api = {
  createOrder: (input) => ipcRenderer.invoke(invokeChannel('createOrder'), input),
  listOrders: (input) => ipcRenderer.invoke(invokeChannel('listOrders'), input),
  getOrder: (input) => ipcRenderer.invoke(invokeChannel('getOrder'), input),
  updateOrder: (input) => ipcRenderer.invoke(invokeChannel('updateOrder'), input),
  cancelOrder: (input) => ipcRenderer.invoke(invokeChannel('cancelOrder'), input),
  getStatus: (input) => ipcRenderer.invoke(invokeChannel('getStatus'), input),
  syncNow: (input) => ipcRenderer.invoke(invokeChannel('syncNow'), input),
  listDeadEvents: (input) => ipcRenderer.invoke(invokeChannel('listDeadEvents'), input),
  retryEvent: (input) => ipcRenderer.invoke(invokeChannel('retryEvent'), input),
  discardEvent: (input) => ipcRenderer.invoke(invokeChannel('discardEvent'), input),
  editAndResend: (input) => ipcRenderer.invoke(invokeChannel('editAndResend'), input),
  discardChange: (input) => ipcRenderer.invoke(invokeChannel('discardChange'), input),
  getSettings: (input) => ipcRenderer.invoke(invokeChannel('getSettings'), input),
  updateSettings: (input) => ipcRenderer.invoke(invokeChannel('updateSettings'), input),
  summarizeDay: (input) => ipcRenderer.invoke(invokeChannel('summarizeDay'), input),
  suggestCustomers: (input) => ipcRenderer.invoke(invokeChannel('suggestCustomers'), input),
  suggestItems: (input) => ipcRenderer.invoke(invokeChannel('suggestItems'), input),
  onStatus: (listener) => subscribe('status', listener),
  onOrdersChanged: (listener) => subscribe('ordersChanged', listener),
  // The CSV export: the shell's own operation, not a contract method (see src-main/electron/export-ipc.ts).
  exportCsvToFile: (filter) => ipcRenderer.invoke(exportChannel('start'), { filter }),
  cancelExport: () => ipcRenderer.invoke(exportChannel('cancel')),
  onExportProgress: (listener) => listen(exportChannel('progress'), listener),
  host: 'electron',
} satisfies OutpostApi

contextBridge.exposeInMainWorld('outpost', api)
