"""A code exercise: inputs to try, a way to call the student's code, the
right answers (cnnedu's own implementation), and the classic mistakes that
the feedback can name."""

import copy

from cnnedu.exercises.code._runner import (
    TIME_LIMIT,
    NotAttempted,
    Problem,
    as_number_array,
    call_with_time_limit,
    close,
    describe_exception,
    difference,
    is_stub,
)
from cnnedu.exercises.feedback import Feedback


class CodeFeedback(Feedback):
    """A :class:`Feedback` whose message may span several lines (kept in HTML)."""

    def _repr_html_(self):
        return super()._repr_html_().replace("<div style='", "<div style='white-space:pre-wrap;", 1)


class Case:
    """One input: a short ``label`` for the feedback and the arguments."""

    def __init__(self, label, *args):
        self.label = label
        self.args = args


class Mistake:
    """A classic mistake: its ``name`` (quoted in the feedback), why it is
    wrong, and one or more implementations that make it."""

    def __init__(self, name, explanation, *implementations):
        self.name = name
        self.explanation = explanation
        self.implementations = implementations


class CodeExercise:
    """The check of one code exercise; call it with the student's function
    (or class) to get a :class:`Feedback`.

    Parameters
    ----------
    name : str
        The name the student's function or class must have.
    cases : list of Case
        Small hand-checkable inputs first, then random ones.
    run : callable ``run(student, args) -> tuple``
        Calls the student's code on one input and returns the parts of its
        answer; raises :class:`Problem` when an answer has the wrong type.
    parts : tuple of str
        Names of the parts, as the feedback says them.
    reference : function or class
        cnnedu's own implementation, run through ``run`` like the student's.
    mistakes : list of Mistake
    note : callable ``note(args, parts) -> str``, optional
        One more line for a failed case (a gradient check, say) ...
    note_for : tuple of str
        ... when one of these parts is wrong.
    kind : 'function' or 'class'
    """

    def __init__(self, name, cases, run, parts, reference, mistakes=(), note=None, note_for=(), kind="function"):
        self.name = name
        self.cases = list(cases)
        self.run = run
        self.parts = tuple(parts)
        self.reference = reference
        self.mistakes = list(mistakes)
        self.note = note
        self.note_for = tuple(note_for)
        self.kind = kind
        self.hand_cases = sum(1 for case in self.cases if not case.label.startswith("random"))

    def inputs(self, number):
        """The arguments of input ``number`` (1-based, as in the feedback), copied."""
        if not 1 <= number <= len(self.cases):
            raise ValueError(f"number must be between 1 and {len(self.cases)}; got {number}")
        return copy.deepcopy(self.cases[number - 1].args)

    def _answers(self, implementation, index):
        parts = self.run(implementation, copy.deepcopy(self.cases[index].args))
        return [as_number_array(value, f"{self.name}'s {part}") for part, value in zip(self.parts, parts, strict=False)]

    def expected(self, index):
        """The right answer to case ``index`` (0-based), as float arrays."""
        return self._answers(self.reference, index)

    def _mistakes_in(self, part, answers_so_far, expected_so_far):
        """Mistakes whose ``part`` agrees with the student's on every case so far."""
        found = []
        position = self.parts.index(part)
        for mistake in self.mistakes:
            for implementation in mistake.implementations:
                try:
                    agrees = True
                    for index, student in enumerate(answers_so_far):
                        theirs = self._answers(implementation, index)[position]
                        if not close(student[position], theirs):
                            agrees = False
                            break
                    last = len(answers_so_far) - 1
                    makes_a_difference = not close(theirs, expected_so_far[last][position])
                except Exception:  # a mistake that cannot run on this input is not it
                    agrees = False
                if agrees and makes_a_difference:
                    found.append(mistake)
                    break
        return found

    def __call__(self, student):
        what = "class" if self.kind == "class" else "function"
        if is_stub(student):
            return CodeFeedback(
                "not attempted",
                f"replace the ... in your {self.name} with your code, then run its cell and this one again.",
            )
        if not callable(student):
            return CodeFeedback("wrong", f"{self.name} must be a {what}; got {type(student).__name__}.")
        answers, expected_answers = [], []
        for index, case in enumerate(self.cases):
            heading = f"On input {index + 1} of {len(self.cases)} ({case.label}):"
            try:
                finished, answer = call_with_time_limit(lambda i=index: self._answers(student, i), TIME_LIMIT)
            except NotImplementedError:
                if index == 0:
                    return CodeFeedback(
                        "not attempted", f"{self.name} still raises NotImplementedError: replace it with your code."
                    )
                return CodeFeedback("wrong", f"{heading} your {what} raised NotImplementedError.")
            except NotAttempted:
                return CodeFeedback(
                    "not attempted", f"parts of {self.name} are still ...: fill them in and run the cells again."
                )
            except Problem as problem:
                return CodeFeedback("wrong", f"{heading}\n{problem}{self._reproduce(index)}")
            except Exception as error:
                return CodeFeedback(
                    "wrong", f"{heading}\nyour {what} raised {describe_exception(error)}{self._reproduce(index)}"
                )
            if not finished:
                return CodeFeedback(
                    "wrong",
                    f"{heading}\nyour {what} was stopped after {TIME_LIMIT:g} s (the time limit of one input): "
                    f"a loop that never ends?{self._reproduce(index)}",
                )
            expected = self.expected(index)
            answers.append(answer)
            expected_answers.append(expected)
            wrong_parts = [k for k, part in enumerate(self.parts) if not close(answer[k], expected[k])]
            if not wrong_parts:
                continue
            lines = [heading]
            named = []
            for k in wrong_parts:
                lines += difference(self.parts[k], answer[k], expected[k])
                for mistake in self._mistakes_in(self.parts[k], answers, expected_answers):
                    if mistake not in named:
                        named.append(mistake)
            for mistake in named:
                lines.append(f'This is the classic mistake "{mistake.name}": {mistake.explanation}')
            if self.note is not None and any(self.parts[k] in self.note_for for k in wrong_parts):
                extra = self.note(self.inputs(index + 1), answer)
                if extra:
                    lines.append(extra)
            return CodeFeedback("wrong", "\n".join(lines) + self._reproduce(index))
        random_cases = len(self.cases) - self.hand_cases
        return CodeFeedback(
            "correct",
            f"your {self.name} gives cnnedu's answers on all {len(self.cases)} inputs "
            f"({self.hand_cases} small ones by hand, {random_cases} random ones).",
        )

    def _reproduce(self, index):
        return f'\n(This input: CODE_EXERCISES["{self.name}"].inputs({index + 1}).)'

    def __repr__(self):
        return f"<code exercise {self.name}: {len(self.cases)} inputs, {len(self.mistakes)} classic mistakes>"


def function_runner(function, args):
    """Call a student's function on ``args``; one answer."""
    return (function(*args),)
