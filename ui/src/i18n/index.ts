import { createI18n } from 'vue-i18n'
import zh from './zh-CN'
import en from './en'

export type AppLocale = 'zh-CN' | 'en'

export const messages = { 'zh-CN': zh, en }

export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages,
  missingWarn: false,
  fallbackWarn: false,
})

/** The current locale, read reactively. */
export function currentLocale(): AppLocale {
  return i18n.global.locale.value as AppLocale
}
