"""Which CVs a corpus holds: the ``meta`` of every CV, before any content is written.

Both generators start from this plan, so a seed fixes the corpus' shape whichever writes
it. Attributes are dealt in shuffled blocks (each block holds every option once), which
keeps even a 30-CV corpus balanced, and CV number *i* depends only on the seed and *i*:
asking for 300 CVs extends the 30-CV corpus instead of reshuffling it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from cvchat.cvgen.content.shared import STYLES
from cvchat.cvgen.schema import (
    ROLE_FAMILIES,
    SENIORITIES,
    TEMPLATES,
    GeneratorName,
    LanguageCode,
    Meta,
)

# The month every generated CV is written in: fixed, so that a seed gives the same JSON on
# any day, and in the past, so that no date is ever in the future.
AS_OF = "2025-10"
NARRATIVE_SHARE = (3, 20)  # 15 % of CVs are written as prose
PORTRAIT_TEMPLATES = frozenset({"sidebar", "modern", "classic"})
_LIST_TEMPLATES = tuple(t for t in TEMPLATES if t != "narrative")

T = TypeVar("T")


def _dealt(options: Sequence[T], index: int, seed: int, key: str) -> T:
    """Option for position ``index`` when options are dealt in seeded, shuffled blocks."""
    block, slot = divmod(index, len(options))
    shuffled = random.Random(f"{seed}:{key}:{block}").sample(list(options), len(options))
    return shuffled[slot]


def cv_seed(seed: int, index: int) -> int:
    """The seed of one CV's content, independent of the corpus size."""
    return random.Random(f"{seed}:cv:{index}").getrandbits(32)


def plan_corpus(
    count: int,
    seed: int,
    languages: Sequence[LanguageCode],
    generator: GeneratorName,
) -> list[Meta]:
    narrative_slots = [True] * NARRATIVE_SHARE[0] + [False] * (
        NARRATIVE_SHARE[1] - NARRATIVE_SHARE[0]
    )
    plan = []
    for index in range(count):
        language = _dealt(languages, index, seed, "language")
        narrative = _dealt(narrative_slots, index, seed, "narrative")
        template = "narrative" if narrative else _dealt(_LIST_TEMPLATES, index, seed, "template")
        own_seed = cv_seed(seed, index)
        plan.append(
            Meta(
                cv_id=f"cv-{index + 1:04d}-{language}",
                language=language,
                seniority=_dealt(SENIORITIES, index, seed, "seniority"),
                role_family=_dealt(ROLE_FAMILIES, index, seed, "role"),
                template=template,
                style=_dealt(STYLES, index, seed, "style"),
                generator=generator,
                seed=own_seed,
                as_of=AS_OF,
                portrait=template in PORTRAIT_TEMPLATES and own_seed % 3 != 0,
            )
        )
    return plan
