// The Element Plus components the console uses, registered once (tree-shaken: only these are
// bundled). Their CSS is Element's whole stylesheet, imported in main.ts.
import type { App, Plugin } from 'vue'
import {
  ElAlert, ElAside, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem,
  ElHeader, ElInput, ElInputNumber, ElLoading, ElMain, ElMenu, ElMenuItem, ElOption, ElPagination, ElProgress, ElRadio, ElRadioButton,
  ElRadioGroup, ElResult, ElRow, ElSelect, ElSwitch, ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag, ElTimeline,
  ElTimelineItem, ElTooltip, ElTree, ElTreeSelect,
} from 'element-plus'
import { vRowData } from './lib/rowData'

const components: Plugin[] = [
  ElAlert, ElAside, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem,
  ElHeader, ElInput, ElInputNumber, ElMain, ElMenu, ElMenuItem, ElOption, ElPagination, ElProgress, ElRadio, ElRadioButton, ElRadioGroup,
  ElResult, ElRow, ElSelect, ElSwitch, ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag, ElTimeline, ElTimelineItem,
  ElTooltip, ElTree, ElTreeSelect,
]

export const element: Plugin = {
  install(app: App) {
    for (const c of components) app.use(c)
    app.use(ElLoading)
    app.directive('row-data', vRowData)
  },
}
