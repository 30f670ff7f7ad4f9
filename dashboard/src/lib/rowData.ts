// `data-*` attributes on an Element Plus table's rows, which the table has no prop for: the row
// carries them encoded in its class (`rowData(...)` as `row-class-name`), and the `v-row-data`
// directive on the table turns those classes into attributes (`data-test="household-row"`,
// `data-household-id="…"`) whenever the table renders, sorts or pages. End-to-end tests find
// rows by these attributes.
import type { Directive } from 'vue'

const PREFIX = 'rd--'
const SEP = '__'

/** The row's class: its `data-test` and other `data-*` values (keys without the `data-`). */
export function rowData(test: string, attrs: Record<string, string | number | boolean | null | undefined> = {}): string {
  const parts = [`${PREFIX}test${SEP}${test}`]
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue
    parts.push(`${PREFIX}${k}${SEP}${String(v).replace(/\s+/g, '_')}`)
  }
  return parts.join(' ')
}

/** Sets the attributes `rowData` encoded on every row under `root`. */
export function applyRowData(root: Element) {
  for (const tr of Array.from(root.querySelectorAll(`tr[class*="${PREFIX}"]`))) {
    const seen = new Set<string>()
    for (const c of Array.from(tr.classList)) {
      if (!c.startsWith(PREFIX)) continue
      const i = c.indexOf(SEP, PREFIX.length)
      if (i < 0) continue
      const key = c.slice(PREFIX.length, i)
      const name = `data-${key}`
      seen.add(name)
      const value = c.slice(i + SEP.length)
      if (tr.getAttribute(name) !== value) tr.setAttribute(name, value)
    }
    // A row reused for another record: drop the attributes it no longer has.
    for (const name of (tr.getAttribute('data-rd') ?? '').split(' ')) if (name && !seen.has(name)) tr.removeAttribute(name)
    const list = [...seen].join(' ')
    if (tr.getAttribute('data-rd') !== list) tr.setAttribute('data-rd', list)
  }
}

const observers = new WeakMap<Element, MutationObserver>()

export const vRowData: Directive<HTMLElement> = {
  mounted(el) {
    applyRowData(el)
    if (typeof MutationObserver === 'undefined') return
    const o = new MutationObserver(() => applyRowData(el))
    o.observe(el, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] })
    observers.set(el, o)
  },
  updated(el) {
    applyRowData(el)
  },
  unmounted(el) {
    observers.get(el)?.disconnect()
    observers.delete(el)
  },
}
