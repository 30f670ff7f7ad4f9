// Runs in every Vitest file. Vant's placeholders (nav bar, tab bar) measure themselves in timers
// 100, 200 and 300 ms after they mount (`useHeight` in vant); one left pending when a file ends
// would fire after the test page is torn down ("window is not defined"). Each file waits them
// out before it ends.
import { afterAll } from 'vitest'

afterAll(() => new Promise((resolve) => setTimeout(resolve, 400)))
