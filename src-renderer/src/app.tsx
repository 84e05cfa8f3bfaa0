import { useEffect, type ReactElement } from 'react'
import { AttentionView } from './components/attention-view'
import { Header } from './components/header'
import { OrderDetailView } from './components/order-detail'
import { OrdersView } from './components/orders-view'
import { SettingsView } from './components/settings-view'
import { Toasts } from './components/toasts'
import { useDocumentLanguage } from './hooks/use-document-language'
import { useGlobalShortcuts } from './hooks/use-global-shortcuts'
import { useOrders } from './stores/orders-store'
import { useSettings } from './stores/settings-store'
import { useStatus } from './stores/status-store'
import { useUi } from './stores/ui-store'

export function App(): ReactElement {
  const view = useUi((s) => s.view)
  useDocumentLanguage()
  useGlobalShortcuts()

  useEffect(() => {
    const stops = [useStatus.getState().start(), useOrders.getState().start()]
    void useSettings.getState().load()
    return () => stops.forEach((stop) => stop())
  }, [])

  return (
    <div className="app">
      <Header />
      <main className="main" id="main">
        {view.name === 'orders' ? <OrdersView /> : null}
        {view.name === 'attention' ? <AttentionView /> : null}
        {view.name === 'settings' ? <SettingsView /> : null}
        {view.name === 'order' ? <OrderDetailView key={view.orderId} orderId={view.orderId} /> : null}
      </main>
      <Toasts />
    </div>
  )
}
