import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'

/** The WCAG rule sets axe checks (2.x A and AA, and its best practices). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']

/**
 * Runs axe-core on what the page shows now and fails on any serious or
 * critical violation, naming the rule, the help text and the elements, so the
 * failure says what to fix. `label` names the screen in that message.
 */
export async function expectNoSeriousViolations (page: Page, label: string): Promise<void> {
  // @axe-core/playwright types its Page from the top-level playwright-core, @playwright/test from its own copy: the same class.
  const axePage = page as unknown as ConstructorParameters<typeof AxeBuilder>[0]['page']
  const results = await new AxeBuilder({ page: axePage }).withTags(TAGS).analyze()
  const serious = results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
  const found = serious.map(v => `${v.id} (${v.impact ?? ''}): ${v.help}\n    ${v.nodes.slice(0, 5).map(n => n.target.join(' ')).join('\n    ')}`)
  expect(found, `axe on ${label}`).toEqual([])
}
