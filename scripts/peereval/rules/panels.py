"""Who evaluates what, as recorded in panels.yaml (Art. 9, 10)."""

from __future__ import annotations

from peereval.model import CaseId, ExpertId, Panel, PanelDraw


def panels_of(draw: PanelDraw, case: CaseId) -> tuple[Panel, ...]:
    """The panels that list *case*; exactly one in a sound draw."""
    return draw.panels_by_case.get(case, ())


def designated_writer(draw: PanelDraw, case: CaseId) -> ExpertId | None:
    """The expert *case*'s panel designated to write its summary (Art. 17); None unless one panel lists it."""
    panels = panels_of(draw, case)
    return panels[0].writer if len(panels) == 1 else None


def scorers(draw: PanelDraw, case: CaseId) -> tuple[ExpertId, ...]:
    """The experts who score *case*: its panel's members, less those recused
    from it, plus their replacements (Art. 10, last paragraph)."""
    panels = panels_of(draw, case)
    if len(panels) != 1:
        return ()
    recusals = draw.recusals_by_case.get(case, ())
    recused = {recusal.expert for recusal in recusals}
    members = [member for member in panels[0].members if member not in recused]
    replacements = [r.replacement for r in recusals if r.replacement is not None and r.replacement not in members]
    return tuple(members + replacements)
