import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import { store } from './store'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the screen's title. */
    title: string
    /** A main screen: the tab bar shows. */
    tab?: boolean
    /** A back arrow shows. */
    back?: boolean
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/enrol', name: 'enrol', component: () => import('./views/EnrolView.vue'), meta: { title: 'titles.enrol' } },
  { path: '/', name: 'home', component: () => import('./views/HomeView.vue'), meta: { title: 'titles.home', tab: true } },
  {
    path: '/household/:id',
    name: 'household',
    component: () => import('./views/HouseholdView.vue'),
    meta: { title: 'titles.household', back: true },
  },
  {
    path: '/household/:id/visit',
    name: 'visit',
    component: () => import('./views/VisitView.vue'),
    meta: { title: 'titles.visit', back: true },
  },
  { path: '/issues', name: 'issues', component: () => import('./views/IssuesView.vue'), meta: { title: 'titles.issues', tab: true } },
  { path: '/issues/new', name: 'issue-new', component: () => import('./views/IssueNewView.vue'), meta: { title: 'titles.issueNew', back: true } },
  { path: '/issues/:id', name: 'issue', component: () => import('./views/IssueDetailView.vue'), meta: { title: 'titles.issueDetail', back: true } },
  { path: '/meetings', name: 'meetings', component: () => import('./views/MeetingsView.vue'), meta: { title: 'titles.meetings', tab: true } },
  { path: '/meetings/new', name: 'meeting-new', component: () => import('./views/MeetingNewView.vue'), meta: { title: 'titles.meetingNew', back: true } },
  { path: '/meetings/:id', name: 'meeting', component: () => import('./views/MeetingDetailView.vue'), meta: { title: 'titles.meetingDetail', back: true } },
  { path: '/my345', name: 'my345', component: () => import('./views/My345View.vue'), meta: { title: 'titles.my345', tab: true } },
  { path: '/scoring', name: 'scoring', component: () => import('./views/ScoringView.vue'), meta: { title: 'titles.scoring', back: true } },
  { path: '/evaluation', name: 'evaluation', component: () => import('./views/EvaluationView.vue'), meta: { title: 'titles.evaluation', back: true } },
  { path: '/campaigns', name: 'campaigns', component: () => import('./views/CampaignsView.vue'), meta: { title: 'titles.campaigns', back: true } },
  { path: '/campaigns/:id', name: 'campaign', component: () => import('./views/CampaignView.vue'), meta: { title: 'titles.campaign', back: true } },
  {
    path: '/campaigns/:id/households/:householdId',
    name: 'campaign-task',
    component: () => import('./views/CampaignTaskView.vue'),
    meta: { title: 'titles.campaignTask', back: true },
  },
  { path: '/teams', name: 'teams', component: () => import('./views/TeamsView.vue'), meta: { title: 'titles.teams', back: true } },
  { path: '/teams/:id', name: 'team', component: () => import('./views/TeamView.vue'), meta: { title: 'titles.team', back: true } },
  {
    path: '/teams/:id/activity',
    name: 'team-activity',
    component: () => import('./views/TeamActivityView.vue'),
    meta: { title: 'titles.teamActivity', back: true },
  },
  { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue'), meta: { title: 'titles.settings', tab: true } },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

// Not enrolled: only the enrolment screen. Enrolled: never the enrolment screen.
router.beforeEach((to) => {
  const enrolled = !!store.info?.identity
  if (!enrolled && to.name !== 'enrol') return { name: 'enrol' }
  if (enrolled && to.name === 'enrol') return { name: 'home' }
  return true
})
