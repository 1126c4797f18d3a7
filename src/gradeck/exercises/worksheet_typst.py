"""Printable PDF worksheets, typeset by Typst (the `typst` package, offline, with its own fonts).

The Typst program below is fixed; every piece of exercise text reaches it as JSON through
`sys.inputs`, so deck text is laid out as text and never read as Typst markup or code. Formulas
in worked solutions are typeset as mathematics: `math_tokens` splits them in one pass into
letters (set in italic), words, numbers and operators (upright), and `^(…)`/`_x` groups (set as
super- and subscripts). The output depends on nothing but the exercises: no dates, no paths.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from gradeck.errors import GradeckError
from gradeck.exercises.model import Exercise, Table
from gradeck.exercises.render import expected_text, render_code, render_network
from gradeck.exercises.worksheet import Document, points_text, score, scored_heading
from gradeck.text import printable

MAX_NESTING = 4  # super/subscript groups inside each other; deeper ones stay plain text


# ---------------------------------------------------------------- formulas


def _matching(text: str) -> dict[int, int]:
    """Each '(' offset mapped to its ')' offset, in one pass."""
    pairs, stack = {}, []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs[stack.pop()] = i
    return pairs


def _script_end(text: str, start: int, pairs: dict[int, int]) -> int:
    """Where the operand of a `^` or `_` at `start - 1` ends (== start: there is none)."""
    if start < len(text) and text[start] == "(" and start in pairs:
        return pairs[start] + 1
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] == "."):
        end += 1
    return end


def math_tokens(text: str) -> list[dict[str, Any]]:
    """One line of `text` as math tokens for the Typst program: {k: v|t|att, s, base, t, b}."""
    return _tokens(text, 0, len(text), _matching(text), 0)


def math_lines(text: str) -> list[list[list[dict[str, Any]]]]:
    """Each line of `text` as chunks of math tokens, split at the spaces between them so that
    a long line can wrap between chunks."""
    lines = []
    for line in printable(text).splitlines():
        chunks: list[list[dict[str, Any]]] = [[]]
        for token in math_tokens(line):
            if token["k"] != "t":
                chunks[-1].append(token)
                continue
            for n, piece in enumerate(token["s"].split(" ")):
                if n:
                    chunks.append([])
                if piece:
                    chunks[-1].append({"k": "t", "s": piece})
        lines.append([chunk for chunk in chunks if chunk])
    return [line for line in lines if line]


def _tokens(
    text: str, start: int, stop: int, pairs: dict[int, int], depth: int
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def plain(s: str) -> None:
        s = s.replace("-", "−")  # in mathematics a hyphen is a minus sign
        if out and out[-1]["k"] == "t":
            out[-1] = {"k": "t", "s": out[-1]["s"] + s}
        else:
            out.append({"k": "t", "s": s})

    i = start
    while i < stop:
        ch = text[i]
        if ch.isalpha():
            j = i + 1
            while j < stop and (text[j].isalpha() or text[j] in "\u0302\u0304\u0307"):
                j += 1
            word = text[i:j]
            out.append({"k": "v", "s": word} if len(word) == 1 else {"k": "t", "s": word})
            i = j
        elif ch in "^_" and out and out[-1]["k"] != "att" and depth < MAX_NESTING:
            end = min(_script_end(text, i + 1, pairs), stop)
            if end == i + 1:
                plain(ch)
                i += 1
                continue
            inner = (i + 2, end - 1) if text[i + 1] == "(" else (i + 1, end)
            script = _tokens(text, *inner, pairs, depth + 1)
            base = out.pop()
            out.append({"k": "att", "base": base, "t" if ch == "^" else "b": script})
            i = end
        else:
            plain(ch)
            i += 1
    return out


# ---------------------------------------------------------------- document data


def _table(table: Table) -> dict[str, Any]:
    width = max([len(table.col_labels), *(len(r) for r in table.rows)], default=0)
    labels = table.row_labels
    return {
        "title": printable(table.title),
        "cols": [printable(c) for c in table.col_labels] + [""] * (width - len(table.col_labels)),
        "rows": [
            {
                "label": printable(labels[i]) if i < len(labels) else "",
                "cells": [printable(c) for c in row] + [""] * (width - len(row)),
            }
            for i, row in enumerate(table.rows)
        ],
        "labelled": bool(labels),
    }


def _question(number: int, exercise: Exercise) -> dict[str, Any]:
    return {
        "number": number,
        "title": printable(exercise.title),
        "prompt": printable(exercise.prompt),
        "network": render_network(exercise.network) if len(exercise.network) > 1 else "",
        "code": printable(render_code(exercise.code)) if exercise.code else "",
        "tables": [_table(t) for t in exercise.tables],
        "parts": [printable(scored_heading(p, exercise)).split("\n") for p in exercise.parts],
        "points": points_text(score(exercise)),
    }


def _answers(number: int, exercise: Exercise) -> dict[str, Any]:
    lone = len(exercise.parts) == 1
    return {
        "number": number,
        "title": printable(exercise.title),
        "seed": exercise.seed,
        "answers": [
            {"label": "" if lone else f"({p.label})", "value": printable(expected_text(p))}
            for p in exercise.parts
        ],
        "steps": [
            {
                "text": printable(s.text),
                "lines": math_lines(s.formula) + math_lines(s.working),
            }
            for s in exercise.solution
        ],
    }


def document_data(docs: Sequence[Document]) -> dict[str, Any]:
    """Everything the Typst program lays out, as plain JSON-ready data."""
    pages = []
    for doc in docs:
        exercises = [sheet.exercise for sheet in doc.sheets]
        pages.append(
            {
                "title": printable(doc.title),
                "code": doc.code,
                "name": printable(doc.name),
                "intro": f"{len(exercises)} exercise(s), "
                f"{points_text(sum(map(score, exercises)))} in all. "
                "Write your answers in the boxes.",
                "questions": [_question(n, e) for n, e in enumerate(exercises, 1)]
                if doc.questions
                else [],
                "key": [_answers(n, e) for n, e in enumerate(exercises, 1)] if doc.key else [],
            }
        )
    return {"pages": pages}


# ---------------------------------------------------------------- typesetting

PROGRAM = r"""
#let data = json(bytes(sys.inputs.at("data")))
#set document(title: if data.pages.len() > 0 { data.pages.at(0).title } else { "Worksheet" })
#set text(font: "Libertinus Serif", size: 11pt, lang: "en")
#set par(justify: false)
#show raw: set text(font: "DejaVu Sans Mono", size: 9pt)

#let tok(t) = {
  if t.k == "v" { math.italic(t.s) }
  else if t.k == "att" {
    let sup = t.at("t", default: none)
    let sub = t.at("b", default: none)
    math.attach(
      tok(t.base),
      t: if sup == none { none } else { sup.map(tok).join() },
      b: if sub == none { none } else { sub.map(tok).join() },
    )
  } else { t.s }
}
#let formula(chunks) = chunks.map(c => math.equation(c.map(tok).join(), block: false)).join(" ")

#let grid-table(tb) = {
  let cols = tb.cols.len() + if tb.labelled { 1 } else { 0 }
  if cols == 0 { return }
  block(breakable: false, below: 0.9em)[
    #if tb.title != "" { text(size: 9.5pt, style: "italic", tb.title) }
    #table(
      columns: cols,
      align: (x, y) => if tb.labelled and x == 0 { left } else { right },
      stroke: (x, y) => if y == 0 and tb.cols.any(c => c != "") { (bottom: 0.5pt) } else { none },
      inset: (x: 6pt, y: 3pt),
      ..(if tb.cols.any(c => c != "") {
        (if tb.labelled { ([],) } else { () }) + tb.cols.map(c => text(size: 9.5pt, c))
      } else { () }),
      ..tb.rows.map(r => (if tb.labelled { (r.label,) } else { () }) + r.cells).flatten(),
    )
  ]
}

#let header(pg) = {
  grid(columns: (1fr, auto),
    text(size: 15pt, weight: "bold", pg.title),
    align(right, text(size: 9pt)[Code #raw(pg.code)]))
  if pg.name != "" { v(0.3em); text(size: 12pt)[Name: #strong(pg.name)] }
  else { v(0.3em); text(size: 11pt)[Name: #box(width: 6cm, stroke: (bottom: 0.5pt))[]] }
  if pg.intro != "" { v(0.2em); text(size: 9.5pt, pg.intro) }
  v(0.8em)
}

#for (n, pg) in data.pages.enumerate() {
  if n > 0 { pagebreak() }
  set page(
    paper: "a4",
    margin: (x: 2cm, y: 2cm),
    footer: context align(center, text(size: 8.5pt)[
      #if pg.name != "" [#pg.name #h(0.6em) · #h(0.6em)]
      code #raw(pg.code) #h(0.6em) · #h(0.6em) page #counter(page).display()
    ]),
  )
  counter(page).update(1)
  if pg.questions.len() > 0 {
    header(pg)
    for q in pg.questions {
      block(breakable: true, below: 1.4em)[
        #text(size: 12.5pt, weight: "bold")[Exercise #q.number. #q.title]
        #h(0.5em) #text(size: 9pt, fill: luma(90))[(#q.points)]
        #v(0.2em)
        #for para in q.prompt.split("\n\n") { par(para.split("\n").join(linebreak())) }
        #if q.network != "" { text(size: 9.5pt, q.network) }
        #if q.code != "" { text(size: 8.5pt, raw(q.code, block: true)) }
        #v(0.3em)
        #for tb in q.tables { grid-table(tb) }
        #for p in q.parts {
          block(breakable: false, above: 0.8em)[
            #p.join(linebreak())
            #v(0.4em)
            #box(width: 100%, height: 2.2cm, stroke: 0.4pt + luma(170), radius: 2pt, inset: 6pt)[
              #text(size: 8pt, fill: luma(120))[Answer]
            ]
          ]
        }
      ]
    }
  }
  if pg.key.len() > 0 {
    if pg.questions.len() > 0 { pagebreak() }
    text(size: 15pt, weight: "bold")[Answer key#if pg.name != "" [: #pg.name]]
    h(1em)
    text(size: 10pt)[code #raw(pg.code)]
    v(0.1em)
    text(size: 10pt, pg.title)
    v(0.1em)
    text(size: 9pt)[Regenerate with #raw("gradeck worksheet … --key " + pg.code)]
    v(0.6em)
    for k in pg.key {
      block(breakable: true, below: 1.1em)[
        #text(size: 12pt, weight: "bold")[Exercise #k.number. #k.title]
        #h(0.5em) #text(size: 8.5pt, fill: luma(90))[seed #k.seed]
        #v(0.1em)
        #for a in k.answers [
          #a.label #strong(a.value) \
        ]
        #if k.steps.len() > 0 {
          v(0.2em)
          text(size: 10pt, style: "italic")[Worked solution]
          set text(size: 9.5pt)
          enum(..k.steps.map(s => [
            #s.text
            #for line in s.lines { linebreak(); h(1em); formula(line) }
          ]))
        }
      ]
    }
  }
}
"""


def typeset(docs: Sequence[Document]) -> bytes:
    """The PDF of `docs`, each starting on a new page; the same documents give the same bytes."""
    import typst

    data = json.dumps(document_data(docs), ensure_ascii=False)
    try:
        pdf = typst.compile(
            PROGRAM.encode(),
            format="pdf",
            sys_inputs={"data": data},
            ignore_system_fonts=True,
            timestamp=0,
        )
    except typst.TypstError as exc:  # a bug here, not in the deck: the data is never markup
        raise GradeckError(f"cannot typeset the worksheet: {exc.message}") from None
    assert isinstance(pdf, bytes)
    return pdf
