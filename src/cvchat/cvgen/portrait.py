"""Portraits drawn from a seed: a stylised head-and-shoulders avatar as inline SVG.

No photo is downloaded and no real face is shown. The drawing holds no text, so the PDF's
extractable text stays exactly the CV's.
"""

from __future__ import annotations

import base64
import random

_BACKGROUNDS = ("#dfe7ef", "#e8e1d9", "#dde8e1", "#e6e0ec", "#f0e6da", "#dce5ea")
_SKIN = ("#f2d3bd", "#e8b896", "#c98e68", "#a86f4c", "#7a4e34", "#f5dcc8")
_HAIR = ("#2b2119", "#4a3223", "#7b5236", "#b58a5a", "#d9c08f", "#1c1c1c", "#8d8d8d")
_CLOTHES = ("#2f4858", "#33658a", "#55505c", "#3d5a40", "#7a3b3b", "#424b54", "#5b4e77")


def portrait_svg(seed: int) -> str:
    rng = random.Random(f"portrait:{seed}")
    bg, skin, hair, clothes = (
        rng.choice(_BACKGROUNDS),
        rng.choice(_SKIN),
        rng.choice(_HAIR),
        rng.choice(_CLOTHES),
    )
    collar = rng.choice(("#ffffff", "#e9edf0", clothes))
    fringe_y = rng.randint(58, 66)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">'
        '<defs><clipPath id="c"><circle cx="100" cy="100" r="100"/></clipPath></defs>'
        f'<g clip-path="url(#c)"><rect width="200" height="200" fill="{bg}"/>'
        f'<path d="M30 200 Q34 150 100 140 Q166 150 170 200 Z" fill="{clothes}"/>'
        f'<path d="M84 138 L100 160 L116 138 Z" fill="{collar}"/>'
        f'<rect x="88" y="112" width="24" height="30" rx="8" fill="{skin}"/>'
        f'<ellipse cx="100" cy="88" rx="34" ry="40" fill="{skin}"/>'
        f'<path d="M64 {fringe_y + 24} Q62 48 100 46 Q140 46 136 {fringe_y + 24} '
        f'Q124 {fringe_y} 100 {fringe_y} Q78 {fringe_y} 64 {fringe_y + 24} Z" fill="{hair}"/>'
        "</g></svg>"
    )


def portrait_data_uri(seed: int) -> str:
    svg = portrait_svg(seed).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
