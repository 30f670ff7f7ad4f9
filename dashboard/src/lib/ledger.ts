// The month's visit ledger (遍访纪实台账) as Excel, for a place and, optionally, one steward:
// `GET /v1/reports/visit-ledger?month=…&place=…&steward_id=…&format=xlsx` (LedgerButton, and the
// stewards table's "更多" menu).
import { download } from '../api/client'
import { ledgerQuery, REPORT_PATHS } from './reportQuery'

export function downloadLedger(month: string, place?: string | null, stewardId?: string | null, name?: string): Promise<void> {
  return download(REPORT_PATHS.ledger, ledgerQuery(month, place, stewardId), 'xlsx', `visit-ledger-${month}${name ? `-${name}` : ''}`)
}
