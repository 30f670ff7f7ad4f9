import { createApp } from 'vue'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { element } from './element'
import { i18n } from './i18n'
import { makeRouter } from './router'

const app = createApp(App)
app.use(i18n)
app.use(element)
app.use(makeRouter())
app.mount('#app')
