import { createI18n } from 'vue-i18n'
import zh from './zh-CN'
import en from './en'

export type AppLocale = 'zh-CN' | 'en'

export const messages = { 'zh-CN': zh, en }

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('rs-console-locale') : null

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages,
  missingWarn: false,
  fallbackWarn: false,
})

export function currentLocale(): AppLocale {
  return i18n.global.locale.value as AppLocale
}

export function setLocale(l: AppLocale) {
  i18n.global.locale.value = l
  document.documentElement.lang = l
  try {
    localStorage.setItem('rs-console-locale', l)
  } catch {
    /* private mode */
  }
}
