import { ensureRendererBuilt } from '../src-main/cli/cli-support'

/** Build the renderer once, before any browser host starts. */
export default async function globalSetup(): Promise<void> {
  await ensureRendererBuilt()
}
