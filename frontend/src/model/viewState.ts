// The shell's part of the URL state: which dashboard and which runs. Each dashboard keeps its own
// keys (see dashboards/*/url.ts). Keys are stored without the "p.tb_eval." prefix.

export interface ShellUrlState {
  dashboard: string
  /** null: not chosen yet, which means every run. */
  runs: string[] | null
}

export const DEFAULT_DASHBOARD = 'tables'

export function shellToUrl(state: ShellUrlState): Record<string, string> {
  const data: Record<string, string> = {}
  if (state.dashboard !== DEFAULT_DASHBOARD) data.dash = state.dashboard
  if (state.runs !== null) data.runs = JSON.stringify(state.runs)
  return data
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export function parseInteger(text: string | undefined): number | null {
  if (text === undefined || !/^-?\d+$/.test(text)) return null
  return Number(text)
}

/** Anything malformed falls back to the default rather than failing. */
export function shellFromUrl(data: Record<string, string>): ShellUrlState {
  const runs = parseJson(data.runs)
  return {
    dashboard: data.dash || DEFAULT_DASHBOARD,
    runs: Array.isArray(runs) && runs.every((r) => typeof r === 'string') ? (runs as string[]) : null,
  }
}
