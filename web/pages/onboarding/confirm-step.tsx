import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'

/** Step 3: type back three words, by position. */
export function ConfirmStep () {
  const { onboarding } = useModels()
  const wrong = onboarding.wrongPositions.value
  const answers = onboarding.answers.value
  return (
    <form class='stack' onSubmit={(e) => { e.preventDefault(); void onboarding.confirmWords() }}>
      <h1>Check your copy</h1>
      <p class='lead'>Type these words from the phrase you wrote down.</p>
      <div class='word-fields'>
        {onboarding.positions.value.map((position, i) => (
          <Field
            key={position}
            label={`Word ${position}`}
            value={answers[position] ?? ''}
            onInput={(value) => { onboarding.setAnswer(position, value) }}
            invalid={wrong.includes(position)}
            autoFocus={i === 0}
          />
        ))}
      </div>
      <ErrorAlert message={onboarding.confirmError.value} />
      <div class='actions'>
        <button type='submit'>Continue</button>
        <button type='button' class='secondary' onClick={onboarding.backToPhrase}>Show the words again</button>
      </div>
    </form>
  )
}
