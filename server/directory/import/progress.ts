import type { ImportProgress } from './import.ts'

interface Stream {
  isTTY?: boolean
  write(text: string): unknown
}

/**
 * A progress display on stderr: a bar redrawn in place on a terminal, or a plain line every tenth of
 * the way otherwise (logs, pipes). Nothing for small imports.
 */
export function progressReporter(
  stream: Stream,
  label: (done: number, total: number) => string,
  minimum = 500,
) {
  let lastStep = -1
  let drawn = false
  return {
    update({ done, total }: ImportProgress) {
      if (total < minimum) return
      const ratio = total === 0 ? 1 : done / total
      if (stream.isTTY) {
        const width = 30
        const filled = Math.round(ratio * width)
        stream.write(
          `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${done}/${total}`,
        )
        drawn = true
        return
      }
      const step = Math.floor(ratio * 10)
      if (step !== lastStep) {
        lastStep = step
        stream.write(`${label(done, total)} (${Math.floor(ratio * 100)}%)\n`)
      }
    },
    end() {
      if (drawn) stream.write('\n')
      drawn = false
    },
  }
}
