/** The Cairn mark (three stacked stones), decorative. Same shapes as scripts/make-icons.ts draws. */
export function CairnMark () {
  return (
    <svg class='mark' viewBox='0 0 64 64' aria-hidden='true' focusable='false'>
      <ellipse cx='32' cy='46.5' rx='22' ry='8' />
      <ellipse cx='32' cy='29.5' rx='16' ry='7' />
      <ellipse cx='32' cy='15' rx='10' ry='5.5' />
    </svg>
  )
}
