import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { descendants, parseWindowTree, trayerIcons } from '../../e2e/support/x-window-tree.ts'

// `xwininfo -root -tree` with trayer's panel holding one icon and a popup menu open.
const TREE = `
xwininfo: Window id: 0x50d (the root window) (has no name)

  Root window id: 0x50d (the root window) (has no name)
  Parent window id: 0x0 (none)
     8 children:
     0x400015 "tray_linux_release": ("tray_linux_release" "Tray_linux_release")  154x109+869+31  +869+31
        1 child:
        0x400016 (has no name): ()  1x1+-1+-1  +868+30
     0x400012 "tray_linux_release": ()  10x10+-100+-100  +-100+-100
     0x40000c (has no name): ()  1x1+-1+-1  +-1+-1
     0x400001 "tray_linux_release": ("tray_linux_release" "Tray_linux_release")  10x10+10+10  +10+10
     0x200022 (has no name): ()  1x1+-1+-1  +-1+-1
     0x20001f "trayer": ()  10x10+-100+-100  +-100+-100
     0x200003 "panel": ("panel" "trayer")  34x32+990+0  +990+0
        2 children:
        0x20003b (has no name): ()  32x30+1+1  +991+1
           1 child:
           0x400007 "tray_linux_release": ("systray" "systray")  32x30+0+0  +991+1
              1 child:
              0x400008 (has no name): ()  1x1+-1+-1  +990+0
        0x200004 (has no name): ()  1x1+-1+-1  +989+-1
     0x200001 "trayer": ("trayer" "Trayer")  10x10+10+10  +10+10
        1 child:
        0x200002 (has no name): ()  1x1+-1+-1  +9+9
`

describe('xwininfo window tree', () => {
  it('reads windows, their classes, sizes and screen positions, nested as on the screen', () => {
    const root = parseWindowTree(TREE)
    assert.equal(root.children.length, 8)
    const [menu] = root.children
    assert.deepEqual({ ...menu, children: menu?.children.length }, {
      id: '0x400015', name: 'tray_linux_release', instance: 'tray_linux_release', className: 'Tray_linux_release', width: 154, height: 109, x: 869, y: 31, children: 1
    })
    assert.equal(descendants(root).length, 14)
    assert.equal(root.children[2]?.name, '')
    assert.equal(root.children[2]?.y, -1)
  })

  it('finds the icons embedded in trayer', () => {
    const icons = trayerIcons(parseWindowTree(TREE))
    assert.deepEqual(icons.map(icon => [icon.id, icon.instance, icon.x, icon.y, icon.width, icon.height]), [['0x400007', 'systray', 991, 1, 32, 30]])
  })
})
