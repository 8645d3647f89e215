import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { hrefFor } from '../../models/route-model.ts'
import type { RelayCheck } from '../../models/peers-model.ts'
import { relayPingUrl } from '../../lib/relay-url.ts'
import { ShortAddress } from '../../components/short-address.tsx'

/** Each configured relay with "Check relay" (its HTTP /ping), and a field to check any relay by URL. */
export function RelaySection ({ relays }: { relays: string[] }) {
  const { peers, route } = useModels()
  const checks = peers.relayChecks.value
  const typed = peers.typedUrlChecked.value
  return (
    <section class='card stack' aria-labelledby='peers-relay'>
      <h2 id='peers-relay'>Relay</h2>
      {relays.length === 0
        ? (
          <p class='muted'>
            No relay is set. Add one in{' '}
            <a href={hrefFor('settings')} onClick={(e) => { e.preventDefault(); route.go('settings') }}>Settings</a>.
          </p>
          )
        : (
          <ul class='plain-list relay-list'>
            {relays.map(address => {
              const url = relayPingUrl(address)
              return (
                <li key={address} class='stack-tight'>
                  <div><ShortAddress text={address} copyName={`Copy address ${address}`} head={24} tail={10} /></div>
                  {url === undefined
                    ? <p class='small muted'>No status URL can be worked out from this address; type it below.</p>
                    : (
                      <div class='actions'>
                        <button type='button' class='secondary small' onClick={() => { void peers.checkRelay(url) }} disabled={checks[url]?.busy === true}>
                          Check relay
                        </button>
                        <span class='mono small muted'>{url}</span>
                      </div>
                      )}
                  {url !== undefined && <RelayCheckResult check={checks[url]} />}
                </li>
              )
            })}
          </ul>
          )}
      <form class='stack' onSubmit={(e) => { e.preventDefault(); void peers.checkTypedRelay() }}>
        <Field
          label='Relay status URL'
          value={peers.relayUrl.value}
          onInput={peers.setRelayUrl}
          inputMode='text'
          hint='The relay’s HTTP address, for example http://127.0.0.1:4102/ping.'
        />
        <div class='actions'>
          <button type='submit' class='secondary' disabled={peers.relayUrl.value.trim() === '' || (typed !== undefined && checks[typed]?.busy === true)}>
            Check relay
          </button>
        </div>
        {typed !== undefined && <RelayCheckResult check={checks[typed]} />}
      </form>
    </section>
  )
}

/** What a relay said about itself: service, version, capabilities. */
function RelayCheckResult ({ check }: { check: RelayCheck | undefined }) {
  if (check === undefined) return null
  if (check.busy) return <p role='status' class='busy small'><span class='spinner' aria-hidden='true' />Asking the relay…</p>
  if (check.error !== undefined) return <ErrorAlert message={check.error} />
  const r = check.result
  if (r === undefined) return null
  return (
    <div class='relay-result' role='status'>
      <dl class='facts'>
        <dt>Service</dt><dd>{r.service}</dd>
        <dt>Version</dt><dd>{r.version}</dd>
        <dt>Capabilities</dt>
        <dd>
          {r.capabilities.length === 0
            ? <span class='muted'>none listed</span>
            : <ul class='badge-list'>{r.capabilities.map(c => <li key={c} class='badge'>{c}</li>)}</ul>}
        </dd>
        <dt>Peer ID</dt><dd><ShortAddress text={r.peerId} copyName='Copy relay peer ID' /></dd>
      </dl>
    </div>
  )
}
