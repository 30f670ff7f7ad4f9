// The Vant components the app uses, registered explicitly (smaller than the whole library).
import type { App } from 'vue'
import {
  Button, Cell, CellGroup, Checkbox, CheckboxGroup, DatePicker, Empty, Field, Icon, Loading, NavBar, PickerGroup,
  Popup, Progress, PullRefresh, Radio, RadioGroup, Stepper, Switch, Tabbar, TabbarItem, Tag, TimePicker,
} from 'vant'

export const vantComponents = [
  Button, Cell, CellGroup, Checkbox, CheckboxGroup, DatePicker, Empty, Field, Icon, Loading, NavBar, PickerGroup,
  Popup, Progress, PullRefresh, Radio, RadioGroup, Stepper, Switch, Tabbar, TabbarItem, Tag, TimePicker,
]

export function useVant(app: App) {
  for (const c of vantComponents) app.use(c)
}
