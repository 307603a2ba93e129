// The chart colours of the shell's theme.
import type { Shell } from '../../app/store'
import { DARK_COLORS, LIGHT_COLORS } from '../../charts/lineOption'

export function useColors(shell: Shell) {
  return shell.dark.value ? DARK_COLORS : LIGHT_COLORS
}
