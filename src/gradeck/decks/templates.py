"""Read an exercise template from a deck file into a validated Template.

Every problem is reported with the line and column of the offending key or value, as the deck
loader does for cards: unknown keys, bad names, undefined or cyclic variables, unknown functions,
empty or inverted ranges, constraints that sampling cannot satisfy, answers that refer to
results the network does not have, and tolerances that make no sense. A template without a
network needs neither numpy nor sympy, so `gradeck validate` stays fast; a network is read by
`gradeck solve`'s own spec reader (numpy), and solved as validation samples the template.
"""

from __future__ import annotations

from gradeck.decks.checker import Checker, kind
from gradeck.decks.source import LocDict
from gradeck.decks.template_network_reader import NetworkReader
from gradeck.decks.template_parts import PartsReader
from gradeck.decks.template_reader import FILE_SAMPLE_BUDGET
from gradeck.decks.template_variables import VariablesReader
from gradeck.exercises.template import MIN_ACCEPTED, sample
from gradeck.exercises.template_expr import NAME_PATTERN
from gradeck.exercises.template_model import Template

TEMPLATE_KEYS = (
    "variables",
    "constraints",
    "derived",
    "network",
    "prompt",
    "parts",
    "hints",
    "solution",
)
MAX_HINTS = 20
# Expression nodes in one template (derived values, constraints, answers, mistakes and
# placeholders); see FILE_SAMPLE_BUDGET for a whole file.
MAX_TEMPLATE_NODES = 500
READ_COST = 300  # reading and compiling one template, in the same units (measured)


def read_template(item: LocDict, check: Checker) -> Template | None:
    """The template of an exercise item (its `template:` mapping), or None after adding to the
    checker's problems everything that is wrong with it."""
    return _TemplateReader(check).read(item)


class _TemplateReader(VariablesReader, PartsReader, NetworkReader):
    """A whole template, section by section."""

    def read(self, item: LocDict) -> Template | None:
        body = item["template"]
        if not isinstance(body, LocDict):
            self.error(item.at("template"), f"'template' must be a mapping, not {kind(body)}")
            return None
        if self.check.sample_work + READ_COST > FILE_SAMPLE_BUDGET:
            self.over_budget(item.at("template"))
            return None
        self.check.sample_work += READ_COST
        before = len(self.problems)
        item_id = str(item.get("id", "template"))
        self.check.known_keys(body, TEMPLATE_KEYS, "the template")
        variables = self.variables(body)
        # Every well-formed declared name, read or not, so that a bad variable gives one error,
        # not one at each use.
        declared = body.get("variables")
        names = (
            frozenset(n for n in declared if NAME_PATTERN.fullmatch(str(n)))
            if isinstance(declared, LocDict)
            else frozenset()
        )
        derived_names = self.derived_names(body, names)
        all_names = names | frozenset(derived_names)
        self.has_network = "network" in body
        derived = self.derived(body, names, derived_names)
        early = all_names - self.late_names  # known at the draw, before the network is solved
        constraints = self.constraints(body, early)
        if self.has_network and len(self.problems) == before:
            probe = Template(
                item_id, "", tuple(variables), tuple(derived), tuple(constraints), "", ()
            )
            self.plan = self.network(body, early, probe)
        prompt = self.check.text(body, "prompt", "the template", required=True)
        self.placeholders(body, "prompt", prompt, all_names)
        parts = self.parts(body, all_names)
        hints = self.check.text_list(body, "hints", "the template")
        if len(hints) > MAX_HINTS:
            self.error(body.at("hints"), f"more than {MAX_HINTS} hints")
        for index, hint in enumerate(hints):
            self.placeholders(body["hints"], index, hint, all_names)
        solution = self.check.text(body, "solution", "the template") if "solution" in body else ""
        self.placeholders(body, "solution", solution, all_names)
        size = self.draw_nodes + self.parts_nodes
        if size > MAX_TEMPLATE_NODES:
            self.error(
                item.at("template"),
                f"the template's expressions are too large ({size:,} terms in all; "
                f"at most {MAX_TEMPLATE_NODES:,})",
            )
        if len(self.problems) > before:
            return None
        title = str(item.get("title") or item_id)
        template = Template(
            id=item_id,
            title=title,
            variables=tuple(variables),
            derived=tuple(derived),
            constraints=tuple(constraints),
            prompt=prompt,
            parts=tuple(parts),
            hints=hints,
            solution=solution,
            network=self.plan,
            draw_cost=self.draw_nodes,
            parts_cost=self.parts_nodes,
            source=body,
        )
        self.satisfiable(body, template)
        return None if len(self.problems) > before else template

    def satisfiable(self, body: LocDict, template: Template) -> None:
        """Draw as generation would, and report where and why too few draws are usable."""
        report = sample(template, FILE_SAMPLE_BUDGET - self.check.sample_work)
        self.check.sample_work += report.work
        if report.accepted < MIN_ACCEPTED:
            self.sampling_problem(body, report)
