import { createRouter, createWebHashHistory, type Router, type RouteRecordRaw } from 'vue-router'
import { setUnauthorizedHandler } from './api/client'
import { homeFor, mayOpen } from './lib/menu'
import { clearSession, loadMe, role, session } from './session'

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./views/LayoutView.vue'),
    children: [
      { path: '', name: 'home', redirect: () => homeFor(role.value) },
      { path: 'overview', name: 'overview', component: () => import('./views/OverviewView.vue') },
      { path: 'stewards', name: 'stewards', component: () => import('./views/StewardsView.vue') },
      { path: 'stewards/print', name: 'enrol-print', component: () => import('./views/EnrolPrintView.vue') },
      { path: 'households', name: 'households', component: () => import('./views/HouseholdsView.vue') },
      { path: 'households/:id', name: 'household', component: () => import('./views/HouseholdView.vue'), props: true },
      { path: 'must-visits', name: 'must-visits', component: () => import('./views/MustVisitsView.vue') },
      { path: 'timely', name: 'timely', component: () => import('./views/TimelyView.vue') },
      { path: 'plans', name: 'plans', component: () => import('./views/PlansView.vue') },
      { path: 'issues', name: 'issues', component: () => import('./views/IssuesView.vue') },
      { path: 'meetings', name: 'meetings', component: () => import('./views/MeetingsView.vue') },
      { path: 'decisions', name: 'decisions', component: () => import('./views/DecisionsView.vue') },
      { path: 'scores', name: 'scores', component: () => import('./views/ScoresView.vue') },
      { path: 'evaluation', name: 'evaluation', component: () => import('./views/EvaluationView.vue') },
      { path: 'scoring-rules', name: 'scoring-rules', component: () => import('./views/ScoringRulesView.vue') },
      { path: 'pairing', name: 'pairing', component: () => import('./views/PairingView.vue') },
      { path: 'campaigns', name: 'campaigns', component: () => import('./views/CampaignsView.vue') },
      { path: 'campaigns/:id', name: 'campaign', component: () => import('./views/CampaignView.vue'), props: true },
      { path: 'teams', name: 'teams', component: () => import('./views/TeamsView.vue') },
      { path: 'selection', name: 'selection', component: () => import('./views/SelectionView.vue') },
      { path: 'selection/notice', name: 'selection-notice', component: () => import('./views/SelectionNoticeView.vue') },
      { path: 'selection/:id', name: 'selection-application', component: () => import('./views/SelectionApplicationView.vue'), props: true },
      { path: 'figures', name: 'figures', component: () => import('./views/FiguresView.vue') },
      { path: 'admin', name: 'admin', component: () => import('./views/AdminView.vue') },
      { path: 'access-log', name: 'access-log', component: () => import('./views/AccessLogView.vue') },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

/** Signed-in users only; each role only to its screens. A 401 anywhere returns to the sign-in. */
export function installGuards(router: Router) {
  router.beforeEach(async (to) => {
    if (to.meta.public) return true
    if (!session.me && !(await loadMe().catch(() => false))) {
      return { name: 'login', query: to.fullPath && to.fullPath !== '/' ? { next: to.fullPath } : {} }
    }
    if (typeof to.name === 'string' && to.name !== 'home' && !mayOpen(role.value, to.name)) return homeFor(role.value)
    return true
  })
  setUnauthorizedHandler(() => {
    const here = router.currentRoute.value
    clearSession()
    if (here.name === 'login') return
    void router.push({ name: 'login', query: { next: here.fullPath, expired: '1' } })
  })
}

export function makeRouter(): Router {
  const router = createRouter({ history: createWebHashHistory(), routes })
  installGuards(router)
  return router
}
