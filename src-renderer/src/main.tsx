import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app'
import { createHttpBridge } from './bridge/http-bridge'
import './styles.css'

// In Electron the preload has already put `window.outpost` in place. In the
// browser host there is no preload, so the same API is provided over HTTP + SSE
// before anything asks for it.
if (!window.outpost) {
  window.outpost = createHttpBridge({
    fetch: (url, init) => window.fetch(url, init),
    EventSource: window.EventSource,
  })
}

const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
}
