import { createApp } from 'vue'
import 'vant/lib/index.css'
import './styles.css'
import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import { loadInfo, loadPrefs, loadVocabulary, startSync } from './store'
import { useVant } from './vant'

async function start() {
  // Language and text size first, so the first screen is already in the steward's settings.
  await Promise.all([
    loadPrefs(),
    loadInfo().catch((e) => console.error('app_info failed', e)),
    loadVocabulary().catch((e) => console.error('vocabulary failed', e)),
  ])
  void startSync()

  const app = createApp(App)
  useVant(app)
  app.use(i18n)
  app.use(router)
  await router.isReady()
  app.mount('#app')
}

void start()
