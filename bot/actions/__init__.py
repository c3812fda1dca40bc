"""The action catalogue: one declaration per step a person can take on a case.

``model`` says what an entry is and how entries become buttons; ``card`` lists the steps on
the staff's task cards (``st:`` buttons), ``desk`` those on the supervisor's case view
(``su:`` buttons). Adding a step: its domain transition, one entry, its words.

Nothing is imported here, so ``bot.views.cards`` can use ``card`` while ``desk`` uses
``bot.views.cards`` without an import cycle.
"""
