import { useEffect, useId, useRef } from 'preact/hooks'
import type { LogLevel } from '../../core/rpc/api.ts'
import { useModels } from '../app-context.ts'
import { CopyButton } from '../components/copy-button.tsx'
import { ErrorAlert } from '../components/error-alert.tsx'
import { formatLogTime } from '../format.ts'
import { LOG_LEVELS } from '../models/logs-model.ts'

const LEVEL_WORDS: Record<LogLevel, string> = { debug: 'Debug and up', info: 'Info and up', warn: 'Warnings and errors', error: 'Errors only' }

/** The node's log, live, with a level filter, pause, auto-scroll and copy. */
export function LogsPage () {
  const { logs } = useModels()
  const levelId = useId()
  const scroller = useRef<HTMLDivElement>(null)
  const visible = logs.visible.value
  const autoScroll = logs.autoScroll.value
  const paused = logs.paused.value

  useEffect(() => { void logs.load() }, [])
  useEffect(() => {
    const el = scroller.current
    if (autoScroll && el !== null) el.scrollTop = el.scrollHeight
  }, [visible, autoScroll])

  return (
    <div class='page logs-page'>
      <div class='page-head'>
        <h1>Logs</h1>
        <div class='log-controls'>
          <span class='field inline'>
            <label for={levelId}>Level</label>
            <select id={levelId} value={logs.minLevel.value} onChange={(e) => { logs.setMinLevel(e.currentTarget.value as LogLevel) }}>
              {LOG_LEVELS.map(level => <option key={level} value={level}>{LEVEL_WORDS[level]}</option>)}
            </select>
          </span>
          <button type='button' class='secondary' aria-pressed={paused} onClick={logs.togglePaused}>{paused ? 'Resume' : 'Pause'}</button>
          <label class='check'>
            <input type='checkbox' checked={autoScroll} onChange={(e) => { logs.setAutoScroll(e.currentTarget.checked) }} />
            Auto-scroll
          </label>
          <CopyButton label='Copy visible lines' text={logs.visibleText} />
        </div>
      </div>
      <ErrorAlert message={logs.error.value} />
      <p class='muted small'>
        {visible.length} {visible.length === 1 ? 'line' : 'lines'} shown{paused ? ' · paused' : ''} · the last {logs.lines.value.length} kept
      </p>
      <div class='log-view' ref={scroller} tabIndex={0} aria-label='Log lines'>
        {visible.length === 0
          ? <p class='muted'>No log lines at this level yet.</p>
          : (
            <ol class='log-lines'>
              {visible.map(line => (
                <li key={line.seq} class={`log-line level-${line.level}`}>
                  <span class='log-time'>{formatLogTime(line.time)}</span>
                  <span class='log-level'>{line.level}</span>
                  <span class='log-source'>{line.source}</span>
                  <span class='log-message'>{line.message}</span>
                </li>
              ))}
            </ol>
            )}
      </div>
    </div>
  )
}
