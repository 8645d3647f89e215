import { useState } from 'preact/hooks'
import { useModels } from '../../app-context.ts'

/** The folder's `.cairnignore`, editable, with the rules that always apply shown beside it. */
export function RulesEditor () {
  const { sync } = useModels()
  const editing = sync.rules.value
  const [text, setText] = useState(editing?.text ?? '')
  if (editing === undefined) return null
  const id = `rules-${editing.id}`
  return (
    <form class='stack rules-editor' onSubmit={(e) => { e.preventDefault(); void sync.saveRules(text) }}>
      <label for={id}>Files to leave out (<code>.cairnignore</code>, one pattern a line, as in <code>.gitignore</code>)</label>
      <textarea id={id} rows={6} class='mono' value={text} onInput={(e) => { setText(e.currentTarget.value) }} aria-describedby={`${id}-defaults`} />
      <p id={`${id}-defaults`} class='small muted'>Always left out: {editing.defaults.map(d => <code key={d}>{d} </code>)}</p>
      <div class='actions'>
        <button type='submit'>Save rules</button>
        <button type='button' class='secondary' onClick={sync.closeRules}>Cancel</button>
      </div>
    </form>
  )
}
