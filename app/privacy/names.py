"""Name-like text: a common forename, alone or glued to initials ("JonS", "jon.s", "Sarah J", "JSarah").

Identifier fields (identifier=True) are judged strictly: any word that is a forename, or a forename with
one or two initials, is a finding whatever its case. Free text is judged by how the word is used:

* a forename that is not an English word ("Olivia", "Mohammed") is a finding when capitalised;
* a forename that is also a word (Grace, Hope, Mark, Will) only when it reads as a name: glued to or
  followed by an initial ("GraceT", "Grace T."), after a title ("Mrs Hope"), or capitalised on its own
  in the middle of a sentence ("spoke to Grace about");
* any title followed by a capitalised word ("Mr Patel") is a finding;
* a forename with an initial joined by a dot, dash or underscore ("jon.s", "Mark-T") is a finding in any case;
* place names, months, days, review and agency abbreviations and organisation names ("St Mary's
  Hospital", "Princess Alexandra Hospital", "Forest of Dean") are not.
"""

from __future__ import annotations

import re

from app.privacy.allowlist import (
    ARTICLES,
    CAPITALISED_TERMS,
    CONNECTORS,
    DOMAIN_TERMS,
    NAME_FIRST_WORDS,
    ORG_PREFIXES,
    ORG_SUFFIXES,
    PLACE_PREPOSITIONS,
    PLACES_ABROAD,
    SURNAME_LIKE_SUFFIXES,
    TITLES,
)
from app.privacy.lexicon import MIN_NAME_LENGTH, Lexicon, Token, fold, lexicon, tokenize

_CAMEL_NAME_INITIALS = re.compile(r"([A-Z][a-z]{2,})([A-Z]{1,2})")
_CAMEL_INITIALS_NAME = re.compile(r"[A-Z]{1,2}([A-Z][a-z]{2,})")
_SENTENCE_BREAK = re.compile(r"[.!?:;\n\u2022]")
_INITIAL_GAP = re.compile(r"[ .\-_]{1,2}")
_GLUE = re.compile(r"[.\-_]")
_TITLE_GAP = re.compile(r"\.? +")
_LOWER_WORD_NEXT = re.compile(r"\s+[a-z]")
_RUN_GAP = re.compile(r"\s{1,2}|\s?&\s?|'\s")
_ORG_RUN = 7
# Words written in capitals in an identifier are read as a name only from this length ("SARAH", "OLIVIAK").
_MIN_CAPITALS_NAME = 5


def _is_title_case(word: str) -> bool:
    return word[:1].isupper() and word[1:].islower()


class _Text:
    """A text's tokens with the neighbourhood questions the rules ask about them."""

    def __init__(self, text: str, words: Lexicon) -> None:
        self.text = text
        self.words = words
        self.tokens = tokenize(text)
        self.in_place = self._place_positions()

    def _place_positions(self) -> set[int]:
        keys = [token.key for token in self.tokens]
        covered: set[int] = set()
        for index, key in enumerate(keys):
            for phrase in self.words.place_phrases.get(key, ()):
                if tuple(keys[index : index + len(phrase)]) == phrase:
                    covered.update(range(index, index + len(phrase)))
                    break
        return covered

    def gap_before(self, index: int) -> str:
        start = self.tokens[index - 1].end if index else 0
        return self.text[start : self.tokens[index].start]

    def gap_after(self, index: int) -> str:
        end = self.tokens[index + 1].start if index + 1 < len(self.tokens) else len(self.text)
        return self.text[self.tokens[index].end : end]

    def token(self, index: int) -> Token | None:
        return self.tokens[index] if 0 <= index < len(self.tokens) else None

    def sentence_start(self, index: int) -> bool:
        return index == 0 or bool(_SENTENCE_BREAK.search(self.gap_before(index)))

    def never_a_name(self, index: int) -> bool:
        """Places, months, days, anonymised labels, and (unless plainly capitalised) codes and abbreviations."""
        token = self.tokens[index]
        key = token.key
        if index in self.in_place or key in self.words.places or key in self.words.never_names:
            return True
        if key in self.words.org_codes and not _is_title_case(token.text):
            return True
        return key in DOMAIN_TERMS and not _is_title_case(token.text)

    def after_title(self, index: int) -> bool:
        previous = self.token(index - 1)
        return previous is not None and previous.key in TITLES and bool(_TITLE_GAP.fullmatch(self.gap_before(index)))

    def initial_follows(self, index: int, *, any_case: bool) -> bool:
        """True when the next word is one or two initials ("Jon S", "Grace T.", "jon.s", "Sarah JT")."""
        following = self.token(index + 1)
        if following is None or not _INITIAL_GAP.fullmatch(self.gap_before(index + 1)):
            return False
        letters = following.text
        if len(letters) > 2 or not (letters.isupper() or any_case):
            return False
        if len(letters) == 2 and letters.lower() in DOMAIN_TERMS:
            return False
        if letters in {"A", "I"} and not any_case:
            # "Will I ...", "Mark A as done": an article or pronoun unless it ends there ("Grace A.").
            return not _LOWER_WORD_NEXT.match(self.text, following.end)
        return True

    def organisation_context(self, index: int) -> bool:
        """True when the word is part of a building or organisation name ("St Mary's", "Victoria Infirmary")."""
        previous = self.token(index - 1)
        if previous is not None and previous.key in ORG_PREFIXES and not self.sentence_start(index):
            return True
        # Walk the run of capitalised words (joined by "and", "of", ...) that starts here.
        for position in range(index + 1, min(index + _ORG_RUN, len(self.tokens))):
            if not _RUN_GAP.fullmatch(self.gap_before(position)):
                return False
            word = self.tokens[position]
            if word.key in ORG_SUFFIXES:
                if self.tokens[index].possessive and position == index + 1 and word.text.islower():
                    return False  # "Olivia's school", "Kevin's house": the person's, not a name of a place
                return word.key not in SURNAME_LIKE_SUFFIXES or self._named_thing(index)
            if not (word.text[:1].isupper() or word.key in CONNECTORS):
                return False
        return False

    def place_abroad(self, index: int) -> bool:
        """True for a country or city that is also a forename, after "from", "in", ... ("moved from India")."""
        token, previous = self.tokens[index], self.token(index - 1)
        return (
            token.key in PLACES_ABROAD
            and not token.possessive
            and previous is not None
            and (previous.key in PLACE_PREPOSITIONS or (previous.key == "and" and self.place_abroad(index - 2)))
        )

    def _named_thing(self, index: int) -> bool:
        """True for "Clare's Law" / "the Victoria line": a possessive, or "the" before the name."""
        previous = self.token(index - 1)
        return self.tokens[index].possessive or (previous is not None and previous.key == "the")

    def stands_alone(self, index: int) -> bool:
        """True for a capitalised word mid-sentence between lower-case words ("spoke to Grace about")."""
        if self.sentence_start(index):
            return False
        previous, following = self.token(index - 1), self.token(index + 1)
        if previous is None or not previous.text.islower():
            return False
        if previous.key in CONNECTORS:
            before = self.token(index - 2)
            if before is not None and before.text[:1].isupper():
                return False  # "Ministry of Justice", "Prevent and Channel"
        if following is None or _SENTENCE_BREAK.search(self.gap_after(index)):
            return True
        return not following.text[:1].isupper()


def _glued_forename(word: str, words: Lexicon, *, strict: bool) -> bool:
    """True for a forename glued to one or two initials: "JonS", "SarahJT", "JSarah"; strict adds "jons", "SARAHJ"."""

    def forename(part: str) -> bool:
        key = fold(part)
        return key in words.forenames and key not in words.places and key not in words.never_names

    for shape in (_CAMEL_NAME_INITIALS, _CAMEL_INITIALS_NAME):
        match = shape.fullmatch(word)
        if match and forename(match.group(1)):
            return True
    if not strict or not (word.islower() or word.isupper()):
        return False
    # In capitals a three-letter head is too often an abbreviation (LEIC, MANC, DEVN): need four letters.
    shortest = MIN_NAME_LENGTH if word.islower() else _MIN_CAPITALS_NAME - 1
    return any(len(word) - size >= shortest and forename(word[:-size]) for size in (1, 2))


def _identifier_name(text: _Text, index: int) -> bool:
    token = text.tokens[index]
    forenames = text.words.forenames
    if text.after_title(index) and len(token.text) >= 2 and token.text[:1].isupper():
        return True
    if token.text.isupper() and len(token.text) < _MIN_CAPITALS_NAME:
        # Short capitals are almost always codes (QMJ, RAJ, BRAD, MANC); only "BEN.T" / "LEON-T" is a name.
        following = text.token(index + 1)
        return (
            token.key in forenames
            and following is not None
            and len(following.text) == 1
            and text.initial_follows(index, any_case=True)
        )
    return token.key in forenames or _glued_forename(token.text, text.words, strict=True)


def _initial_glued_after(text: _Text, index: int) -> bool:
    """True for a forename with one or two initials joined by a dot, dash or underscore and no space ("jon.s",
    "Jon-S", "mark_t"): a name-and-initial identifier, in any case, even inside prose."""
    following = text.token(index + 1)
    if following is None or not _GLUE.fullmatch(text.gap_before(index + 1)):
        return False
    letters = following.text
    if not (letters.isalpha() and len(letters) <= 2) or letters.lower() in DOMAIN_TERMS:
        return False
    after = text.gap_after(index + 1)
    if after[:1] == "." and (after[1:2].isspace() or (after == "." and index + 2 >= len(text.tokens))):
        return True  # "jon.s." ends a sentence ("jon.s.k" and "s.47.2" run on into a code)
    return not after[:1].isalnum() and not _GLUE.fullmatch(after[:1] or " ")


def _free_text_name(text: _Text, index: int) -> bool:
    token = text.tokens[index]
    words, key = text.words, token.key
    if text.after_title(index) and len(token.text) >= 2 and _is_title_case(token.text):
        return True
    if key in words.forenames and len(key) >= MIN_NAME_LENGTH and _initial_glued_after(text, index):
        return True
    if key not in words.forenames:
        return _glued_forename(token.text, words, strict=False)
    is_word = key in words.ordinary_words and key not in NAME_FIRST_WORDS
    if token.text.islower():
        return len(key) >= 4 and not is_word and key not in words.rare_words
    if token.text.isupper():
        return len(key) >= 4 and not is_word and key not in words.rare_words and not text.organisation_context(index)
    if not _is_title_case(token.text):
        return False
    if text.initial_follows(index, any_case=False):
        return True
    if text.organisation_context(index) or text.place_abroad(index):
        return False
    previous = text.token(index - 1)
    if previous is not None and previous.key in ARTICLES and not text.sentence_start(index):
        return False
    if is_word:
        return key not in CAPITALISED_TERMS and text.stands_alone(index)
    return True


def has_name(text: str, *, identifier: bool) -> bool:
    """True when the text contains a name-like word (see the module docstring for the rules)."""
    words = lexicon()
    analysed = _Text(text, words)
    rule = _identifier_name if identifier else _free_text_name
    for index, token in enumerate(analysed.tokens):
        # Cheap filter first: in free text a lower-case word that is not a forename can never be a finding.
        if not identifier and token.key not in words.forenames and not token.text[:1].isupper():
            continue
        if not analysed.never_a_name(index) and rule(analysed, index):
            return True
    return False
